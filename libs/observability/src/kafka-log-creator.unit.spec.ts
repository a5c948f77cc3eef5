import { Writable } from 'node:stream';

import { Kafka, logLevel, type logCreator } from 'kafkajs';

import { createLogger } from './create-logger';
import { KafkaLogLevel, kafkaLogCreator } from './kafka-log-creator';

function memoryLogger(level: 'debug' | 'info' = 'debug') {
  const chunks: string[] = [];
  const logger = createLogger({
    service: 'kafka-test',
    level,
    destination: new Writable({
      write(chunk: Buffer, _encoding, callback) {
        chunks.push(chunk.toString('utf8'));
        callback();
      },
    }),
  });
  const lines = (): Record<string, unknown>[] =>
    chunks
      .join('')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { logger, lines };
}

describe('kafkaLogCreator', () => {
  it('is a kafkajs logCreator and mirrors its level enum', () => {
    const { logger } = memoryLogger();
    const creator: logCreator = kafkaLogCreator(logger);
    expect(typeof creator(logLevel.INFO)).toBe('function');
    expect(KafkaLogLevel).toEqual({
      NOTHING: logLevel.NOTHING,
      ERROR: logLevel.ERROR,
      WARN: logLevel.WARN,
      INFO: logLevel.INFO,
      DEBUG: logLevel.DEBUG,
    });
  });

  it('routes the logs of a real kafkajs client with level, namespace and fields', () => {
    const { logger, lines } = memoryLogger();
    // No connection is made: kafkajs's own logger is used directly.
    const kafka = new Kafka({
      clientId: 'log-test',
      brokers: ['127.0.0.1:9'],
      logLevel: logLevel.DEBUG,
      logCreator: kafkaLogCreator(logger),
    });
    const log = kafka.logger().namespace('Consumer');
    log.error('Crash: KafkaJSNumberOfRetriesExceeded', {
      groupId: 'g-1',
      error: 'Connection refused',
      stack: 'KafkaJSError: …',
    });
    log.warn('Retrying', { retryCount: 2, retryTime: 300 });
    log.info('Consumer has joined the group', { groupId: 'g-1' });
    log.debug('Request Metadata', { broker: '127.0.0.1:9', sasl: { password: 'p4ss' } });

    expect(lines()).toEqual([
      expect.objectContaining({
        level: 'error',
        service: 'kafka-test',
        component: 'kafkajs',
        namespace: 'Consumer',
        message: 'Crash: KafkaJSNumberOfRetriesExceeded',
        groupId: 'g-1',
        error: 'Connection refused',
        stack: 'KafkaJSError: …',
      }),
      expect.objectContaining({ level: 'warn', namespace: 'Consumer', retryCount: 2 }),
      expect.objectContaining({ level: 'info', message: 'Consumer has joined the group' }),
      expect.objectContaining({
        level: 'debug',
        broker: '127.0.0.1:9',
        sasl: { password: '[REDACTED]' },
      }),
    ]);
    for (const line of lines()) {
      expect(line).not.toHaveProperty('logger');
      expect(line.timestamp).toEqual(expect.stringMatching(/^\d{4}-\d\d-\d\dT/));
    }
  });

  it("applies the logger's level after kafkajs's own", () => {
    const { logger, lines } = memoryLogger('info');
    const write = kafkaLogCreator(logger)(logLevel.DEBUG);
    const entry = (level: number, message: string) => ({
      namespace: 'Producer',
      level,
      label: 'x',
      log: { message, timestamp: '2030-01-01T00:00:00.000Z' },
    });
    write(entry(logLevel.DEBUG, 'dropped by the logger'));
    write(entry(logLevel.NOTHING, 'never written'));
    write(entry(logLevel.INFO, 'kept'));
    expect(lines().map((l) => l.message)).toEqual(['kept']);
  });
});
