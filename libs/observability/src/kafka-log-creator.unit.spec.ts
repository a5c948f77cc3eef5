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

describe('kafkaLogCreator and the errors kafkajs retries by itself', () => {
  const at = '2030-01-01T00:00:00.000Z';

  it('writes the errors kafkajs retries once its metadata is fresh at debug', () => {
    const { logger, lines } = memoryLogger('debug');
    const log = kafkaLogCreator(logger)(logLevel.DEBUG);
    // As a connection logs an error response to a metadata request for a new topic.
    log({
      namespace: 'Connection',
      level: logLevel.ERROR,
      label: 'ERROR',
      log: {
        message: 'Response Metadata(key: 3, version: 6)',
        timestamp: at,
        broker: '127.0.0.1:9092',
        clientId: 'orchestrator',
        error: 'This server does not host this topic-partition',
        correlationId: 7,
        size: 120,
      },
    });
    log({
      namespace: 'Connection',
      level: logLevel.ERROR,
      label: 'ERROR',
      log: {
        message: 'Response Produce(key: 0, version: 7)',
        timestamp: at,
        error:
          'There is no leader for this topic-partition as we are in the middle of a leadership election',
      },
    });
    log({
      namespace: 'Producer',
      level: logLevel.ERROR,
      label: 'ERROR',
      log: {
        message: 'Failed to send messages: This server is not the leader for that topic-partition',
        timestamp: at,
        retryCount: 0,
      },
    });

    expect(lines().map((l) => [l.level, l.namespace, l.error ?? null])).toEqual([
      ['debug', 'Connection', 'This server does not host this topic-partition'],
      [
        'debug',
        'Connection',
        'There is no leader for this topic-partition as we are in the middle of a leadership election',
      ],
      ['debug', 'Producer', null],
    ]);
  });

  it('writes the CONCURRENT_TRANSACTIONS answers a busy transactional producer retries at debug', () => {
    const { logger, lines } = memoryLogger('debug');
    const log = kafkaLogCreator(logger)(logLevel.DEBUG);
    const concurrent =
      'The producer attempted to update a transaction while another concurrent operation on the same transaction was ongoing';
    log({
      namespace: 'Connection',
      level: logLevel.ERROR,
      label: 'ERROR',
      log: {
        message: 'Response AddPartitionsToTxn(key: 24, version: 1)',
        timestamp: at,
        error: concurrent,
      },
    });
    log({
      namespace: 'Producer',
      level: logLevel.ERROR,
      label: 'ERROR',
      log: { message: `Failed to send messages: ${concurrent}`, timestamp: at, retryCount: 0 },
    });

    expect(lines().map((l) => [l.level, l.namespace])).toEqual([
      ['debug', 'Connection'],
      ['debug', 'Producer'],
    ]);
  });

  it('hides them at the default level and keeps every other error an error', () => {
    const { logger, lines } = memoryLogger('info');
    const log = kafkaLogCreator(logger)(logLevel.DEBUG);
    log({
      namespace: 'Connection',
      level: logLevel.ERROR,
      label: 'ERROR',
      log: {
        message: 'Response Metadata(key: 3, version: 6)',
        timestamp: at,
        error: 'This server does not host this topic-partition',
      },
    });
    // A consumer that gives up on such an error, and an unrelated response error.
    log({
      namespace: 'Consumer',
      level: logLevel.ERROR,
      label: 'ERROR',
      log: {
        message: 'Crash: KafkaJSProtocolError: This server does not host this topic-partition',
        timestamp: at,
      },
    });
    log({
      namespace: 'Connection',
      level: logLevel.ERROR,
      label: 'ERROR',
      log: {
        message: 'Response Produce(key: 0, version: 7)',
        timestamp: at,
        error: 'Not authorized to access topics: [Topic authorization failed]',
      },
    });
    // The same text at WARN stays a warning.
    log({
      namespace: 'Connection',
      level: logLevel.WARN,
      label: 'WARN',
      log: { message: 'This server does not host this topic-partition', timestamp: at },
    });

    expect(lines().map((l) => [l.level, l.message])).toEqual([
      ['error', 'Crash: KafkaJSProtocolError: This server does not host this topic-partition'],
      ['error', 'Response Produce(key: 0, version: 7)'],
      ['warn', 'This server does not host this topic-partition'],
    ]);
  });
});
