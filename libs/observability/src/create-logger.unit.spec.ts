import { Writable } from 'node:stream';

import { InvalidArgumentError, type Logger, SagaflowError } from '@sagaflow/core';
import { type LogLevel } from '@sagaflow/config';

import { createLogger, type LoggerOptions } from './create-logger';

const anyString: unknown = expect.any(String);
const containing = (text: string): unknown => expect.stringContaining(text);

class TestFailure extends SagaflowError {
  readonly code = 'TEST_FAILURE';
  readonly retryable = true;
}

/** A logger writing into memory, and the parsed lines written so far. */
function memoryLogger(options: Partial<LoggerOptions> = {}) {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString('utf8'));
      callback();
    },
  });
  const logger = createLogger({
    service: 'test-service',
    destination,
    clock: { now: () => new Date('2030-01-02T03:04:05.678Z') },
    ...options,
  });
  const raw = (): string => chunks.join('');
  const lines = (): Record<string, unknown>[] =>
    raw()
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { logger, lines, raw };
}

describe('createLogger', () => {
  it('writes one JSON object per line with timestamp, level, service and message first', () => {
    const { logger, raw, lines } = memoryLogger();
    logger.info('saga started', { sagaId: 's-1', count: 2 });
    logger.warn('slow');
    expect(raw()).toBe(
      '{"timestamp":"2030-01-02T03:04:05.678Z","level":"info","service":"test-service",' +
        '"message":"saga started","sagaId":"s-1","count":2}\n' +
        '{"timestamp":"2030-01-02T03:04:05.678Z","level":"warn","service":"test-service",' +
        '"message":"slow"}\n',
    );
    expect(lines()).toHaveLength(2);
  });

  it('uses the real clock by default', () => {
    const chunks: string[] = [];
    const logger = createLogger({
      service: 's',
      destination: new Writable({
        write(chunk: Buffer, _e, cb) {
          chunks.push(chunk.toString());
          cb();
        },
      }),
    });
    logger.info('x');
    const line = JSON.parse(chunks.join('')) as { timestamp: string };
    expect(new Date(line.timestamp).toISOString()).toBe(line.timestamp);
  });

  it.each<[LogLevel, string[]]>([
    ['debug', ['debug', 'info', 'warn', 'error']],
    ['info', ['info', 'warn', 'error']],
    ['warn', ['warn', 'error']],
    ['error', ['error']],
    ['silent', []],
  ])('at level %s writes %j', (level, written) => {
    const { logger, lines } = memoryLogger({ level });
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');
    expect(lines().map((l) => l.level)).toEqual(written);
    expect(logger.level).toBe(level);
  });

  it('reports which levels are enabled', () => {
    const { logger } = memoryLogger({ level: 'warn' });
    expect(logger.isLevelEnabled('error')).toBe(true);
    expect(logger.isLevelEnabled('info')).toBe(false);
  });

  it('rejects bad options naming the field and the value', () => {
    expect(() => createLogger({ service: 's', level: 'loud' as LogLevel })).toThrow(
      InvalidArgumentError,
    );
    expect(() => createLogger({ service: 's', level: 'loud' as LogLevel })).toThrow(
      'createLogger: invalid options: level="loud" (expected one of silent, error, warn, info, debug)',
    );
    expect(() => createLogger({ service: ' ' })).toThrow(
      'service=" " (expected a non-empty string)',
    );
    expect(() => createLogger({ service: 's', destination: {} as NodeJS.WritableStream })).toThrow(
      'destination="[stream]" (expected a writable stream)',
    );
    expect(() => createLogger({ service: 's', redactKeys: [''] })).toThrow('redactKeys=[""]');
  });

  it('child loggers add sagaId, messageId, step and can override service', () => {
    const { logger, lines } = memoryLogger();
    const saga = logger.child({ sagaId: 's-9' });
    const step = saga.child({ messageId: 'm-1', step: 'reserve-credit' });
    step.info('command dispatched', { attempt: 2 });
    saga.child({ service: 'payment-service' }).info('other service');
    logger.info('root untouched');
    expect(lines()).toEqual([
      expect.objectContaining({
        service: 'test-service',
        sagaId: 's-9',
        messageId: 'm-1',
        step: 'reserve-credit',
        attempt: 2,
      }),
      expect.objectContaining({ service: 'payment-service', sagaId: 's-9' }),
      {
        timestamp: anyString,
        level: 'info',
        service: 'test-service',
        message: 'root untouched',
      },
    ]);
  });

  it('keeps fields named like the line keys under fields.<name>', () => {
    const { logger, lines } = memoryLogger();
    logger.info('real', { level: 'fake', message: 'fake', timestamp: 'fake' });
    expect(lines()[0]).toEqual(
      expect.objectContaining({
        level: 'info',
        message: 'real',
        timestamp: '2030-01-02T03:04:05.678Z',
        'fields.level': 'fake',
        'fields.message': 'fake',
        'fields.timestamp': 'fake',
      }),
    );
  });

  it('fields given with fields option are on every line', () => {
    const { logger, lines } = memoryLogger({ fields: { instance: 'i-1' } });
    logger.info('a');
    expect(lines()[0]).toEqual(
      expect.objectContaining({ service: 'test-service', instance: 'i-1' }),
    );
  });

  it('serializes errors with name, message, code, stack and cause, at any depth', () => {
    const { logger, lines } = memoryLogger();
    const root = Object.assign(new Error('connect ECONNREFUSED'), {
      code: 'ECONNREFUSED',
      errno: -111,
    });
    const error = new TestFailure('publish failed', {
      cause: root,
      context: { sagaId: 's-1', step: 'reserve' },
    });
    logger.error('relay failed', { err: error, nested: { list: [new RangeError('bad')] } });
    const line = lines()[0] ?? {};
    expect(line.err).toEqual({
      name: 'TestFailure',
      message: 'publish failed',
      code: 'TEST_FAILURE',
      retryable: true,
      stack: containing('TestFailure: publish failed'),
      context: { sagaId: 's-1', step: 'reserve' },
      cause: {
        name: 'Error',
        message: 'connect ECONNREFUSED',
        code: 'ECONNREFUSED',
        errno: -111,
        stack: containing('Error: connect ECONNREFUSED'),
      },
    });
    expect(line.nested).toEqual({
      list: [{ name: 'RangeError', message: 'bad', stack: anyString }],
    });
  });

  it('serializes AggregateError members and non-error causes', () => {
    const { logger, lines } = memoryLogger();
    const error = new AggregateError([new Error('a')], 'many', { cause: 'a string cause' });
    logger.error('x', { error });
    expect(lines()[0]?.error).toEqual(
      expect.objectContaining({
        name: 'AggregateError',
        message: 'many',
        errors: [expect.objectContaining({ message: 'a' })],
        cause: 'a string cause',
      }),
    );
  });

  it('redacts secret keys at any depth and credentials inside URLs', () => {
    const { logger, raw, lines } = memoryLogger({ redactKeys: ['ssn'] });
    logger.info('connecting to mysql://root:pw-in-message@db:3306', {
      password: 'p1',
      db: { url: 'mysql://root:pw-in-url@127.0.0.1:3306/sagaflow', user: 'root' },
      headers: [{ Authorization: 'Bearer t0k3n' }],
      config: { redis: { apiKey: 'k3y', client_secret: 's3cr3t', credentials: { user: 'u' } } },
      refreshToken: 'rt',
      SSN: '123',
      error: Object.assign(new Error('login failed for mysql://app:pw-in-error@db'), {
        password: 'pw-on-error',
      }),
    });
    const text = raw();
    for (const secret of [
      'p1',
      'pw-in-message',
      'pw-in-url',
      't0k3n',
      'k3y',
      's3cr3t',
      '"rt"',
      '123',
      'pw-in-error',
      'pw-on-error',
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(lines()[0]).toEqual(
      expect.objectContaining({
        message: 'connecting to mysql://root:[REDACTED]@db:3306',
        password: '[REDACTED]',
        db: { url: 'mysql://root:[REDACTED]@127.0.0.1:3306/sagaflow', user: 'root' },
        headers: [{ Authorization: '[REDACTED]' }],
        config: {
          redis: { apiKey: '[REDACTED]', client_secret: '[REDACTED]', credentials: '[REDACTED]' },
        },
        refreshToken: '[REDACTED]',
        SSN: '[REDACTED]',
      }),
    );
  });

  it('writes values JSON cannot hold in a readable form', () => {
    const { logger, lines } = memoryLogger();
    const circular: Record<string, unknown> = { name: 'loop' };
    circular.self = circular;
    let deep: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 12; i += 1) deep = { deep };
    logger.info('odd values', {
      big: 12n,
      nan: Number.NaN,
      date: new Date('2030-01-01T00:00:00.000Z'),
      bad: new Date(Number.NaN),
      bytes: Buffer.from('abc'),
      fn: function handler() {
        return 1;
      },
      sym: Symbol('s'),
      missing: undefined,
      map: new Map([['k', 1]]),
      set: new Set(['a']),
      sparse: [undefined, 1],
      circular,
      deep,
    });
    const line = lines()[0] ?? {};
    expect(line).toEqual(
      expect.objectContaining({
        big: '12',
        nan: 'NaN',
        date: '2030-01-01T00:00:00.000Z',
        bad: 'Invalid Date',
        bytes: '[Buffer 3 bytes]',
        fn: '[function handler]',
        sym: 'Symbol(s)',
        map: { k: 1 },
        set: ['a'],
        sparse: [null, 1],
        circular: { name: 'loop', self: '[Circular]' },
      }),
    );
    expect(line).not.toHaveProperty('missing');
    expect(JSON.stringify(line.deep)).toContain('[Truncated]');
  });

  it('implements the core Logger port', () => {
    const { logger, lines } = memoryLogger();
    const port: Logger = logger;
    port.child({ sagaId: 's' }).error('via port');
    expect(lines()[0]).toEqual(expect.objectContaining({ sagaId: 's', level: 'error' }));
  });
});
