import { InvalidArgumentError, SagaflowError } from '@sagaflow/core';
import { z } from 'zod';

import {
  envEnum,
  envHost,
  envHostPorts,
  envInteger,
  envPort,
  envText,
  envUrl,
} from './env-parsers';
import { envVar } from './env-var';
import { readEnv } from './read-env';

function configError(run: () => unknown): InvalidArgumentError {
  try {
    run();
  } catch (e) {
    if (e instanceof InvalidArgumentError) return e;
    throw e;
  }
  throw new Error('expected an InvalidArgumentError');
}

describe('readEnv', () => {
  const schema = {
    name: envVar('APP_NAME', envText({ default: 'app' })),
    http: { port: envVar('APP_PORT', envPort(8080)) },
    nested: { deeper: { workers: envVar('APP_WORKERS', envInteger({ default: 2, min: 1 })) } },
  };

  it('returns the nested shape with defaults for unset variables', () => {
    expect(readEnv(schema, {})).toEqual({
      name: 'app',
      http: { port: 8080 },
      nested: { deeper: { workers: 2 } },
    });
  });

  it('parses set variables and ignores unrelated ones', () => {
    expect(
      readEnv(schema, { APP_NAME: 'x', APP_PORT: '9000', APP_WORKERS: ' 7 ', OTHER: 'y' }),
    ).toEqual({ name: 'x', http: { port: 9000 }, nested: { deeper: { workers: 7 } } });
  });

  it('treats blank values as unset', () => {
    expect(readEnv(schema, { APP_PORT: '', APP_WORKERS: '  ' }).http.port).toBe(8080);
  });

  it('names every bad variable with its value and the expected form in one error', () => {
    const error = configError(() =>
      readEnv(schema, { APP_NAME: 'ok', APP_PORT: 'http', APP_WORKERS: '0' }),
    );
    expect(error).toBeInstanceOf(SagaflowError);
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.retryable).toBe(false);
    expect(error.issues).toEqual([
      { field: 'APP_PORT', value: '"http"', expected: 'an integer from 1 to 65535' },
      { field: 'APP_WORKERS', value: '"0"', expected: 'an integer ≥ 1' },
    ]);
    expect(error.message).toContain('APP_PORT="http": expected an integer from 1 to 65535');
    expect(error.message).toContain('APP_WORKERS="0": expected an integer ≥ 1');
    expect(error.message).toMatch(/^invalid configuration \(2 variables\):/);
  });

  it('refuses a variable set under its former name, naming the new one', () => {
    const schema = {
      leaseMs: envVar('APP_LEASE_MS', envInteger({ default: 5000 }), {
        formerName: 'APP_OLD_LEASE_MS',
      }),
    };
    const error = configError(() => readEnv(schema, { APP_OLD_LEASE_MS: '9000' }));
    expect(error.issues).toEqual([
      {
        field: 'APP_OLD_LEASE_MS',
        value: '"9000"',
        expected: 'unset: it was renamed APP_LEASE_MS',
      },
    ]);
    expect(readEnv(schema, { APP_LEASE_MS: '9000' })).toEqual({ leaseMs: 9000 });
  });

  it('reports a missing required variable as unset', () => {
    const error = configError(() => readEnv({ id: envVar('APP_ID', envText()) }, {}));
    expect(error.message).toContain('APP_ID=(unset): expected a non-empty string (required)');
  });

  it('masks secret variables and URL credentials in the message', () => {
    const error = configError(() =>
      readEnv(
        {
          password: envVar('APP_DB_PASSWORD', envInteger()),
          url: envVar('APP_REDIS_URL', envUrl(['redis'])),
        },
        { APP_DB_PASSWORD: 'hunter2', APP_REDIS_URL: 'http://user:s3cret@host' },
      ),
    );
    expect(error.message).not.toContain('hunter2');
    expect(error.message).not.toContain('s3cret');
    expect(error.message).toContain('APP_DB_PASSWORD=[REDACTED]: expected an integer');
    expect(error.message).toContain(
      'APP_REDIS_URL="http://user:[REDACTED]@host": expected a redis:// URL',
    );
  });

  it('cuts very long values in the message', () => {
    const error = configError(() =>
      readEnv({ port: envVar('APP_PORT', envPort()) }, { APP_PORT: 'x'.repeat(500) }),
    );
    expect(error.issues[0]?.value.length).toBeLessThan(130);
  });

  it('rejects a schema entry that is neither a group nor a variable', () => {
    expect(() => readEnv({ port: 8080 } as never, {})).toThrow(
      'readEnv: invalid options: port=8080 (expected a nested group or an envVar())',
    );
  });

  it('accepts any zod schema as a parser and reports its message', () => {
    const schemaWithZod = {
      mode: envVar('APP_MODE', z.literal('fast', { error: 'the word "fast"' })),
    };
    expect(readEnv(schemaWithZod, { APP_MODE: 'fast' }).mode).toBe('fast');
    expect(configError(() => readEnv(schemaWithZod, { APP_MODE: 'slow' })).issues).toEqual([
      { field: 'APP_MODE', value: '"slow"', expected: 'the word "fast"' },
    ]);
  });
});

describe('env parsers', () => {
  const read = <T>(parser: z.ZodType<T, string | undefined>, raw: string | undefined): T =>
    readEnv({ v: envVar('V', parser) }, { V: raw }).v;
  const expected = (parser: z.ZodType<unknown, string | undefined>, raw: string): string =>
    configError(() => readEnv({ v: envVar('V', parser) }, { V: raw })).issues[0]?.expected ?? '';

  it.each([
    ['12', 12],
    ['-3', -3],
    ['0', 0],
  ])('envInteger reads %s', (raw, value) => {
    expect(read(envInteger(), raw)).toBe(value);
  });

  it.each(['1.5', '1e3', 'abc', '12abc', '99999999999999999999'])(
    'envInteger rejects %s',
    (raw) => {
      expect(expected(envInteger(), raw)).toBe('an integer');
    },
  );

  it('envInteger enforces its bounds', () => {
    expect(expected(envInteger({ min: 1, max: 5 }), '6')).toBe('an integer from 1 to 5');
    expect(read(envInteger({ min: 1, max: 5 }), '5')).toBe(5);
  });

  it.each(['0', '65536', '-1', '80.0'])('envPort rejects %s', (raw) => {
    expect(expected(envPort(1), raw)).toBe('an integer from 1 to 65535');
  });

  it('envEnum matches without case and returns the canonical word', () => {
    expect(read(envEnum(['mariadb', 'mysql']), 'MySQL')).toBe('mysql');
    expect(expected(envEnum(['mariadb', 'mysql']), 'postgres')).toBe('one of mariadb, mysql');
  });

  it('envText trims, requires non-empty, and applies a pattern', () => {
    expect(read(envText({ default: 'd' }), '  v  ')).toBe('v');
    const pattern = { regex: /^[a-z]+$/, description: 'lower-case letters' };
    expect(expected(envText({ pattern }), 'ABC')).toBe('lower-case letters');
  });

  it('envText with allowEmpty keeps the empty string and the default for unset', () => {
    expect(read(envText({ default: 'd', allowEmpty: true }), '')).toBe('');
    expect(read(envText({ default: 'd', allowEmpty: true }), undefined)).toBe('d');
  });

  it.each(['127.0.0.1', 'mysql', 'db.internal.example', '[::1]'])('envHost accepts %s', (h) => {
    expect(read(envHost(), h)).toBe(h);
  });

  it.each(['http://db', 'db:3306', 'a b', '-db'])('envHost rejects %s', (h) => {
    expect(expected(envHost(), h)).toBe('a host name or IP address');
  });

  it('envHostPorts splits a comma-separated list', () => {
    expect(read(envHostPorts(), 'a:9092, b:9093')).toEqual(['a:9092', 'b:9093']);
  });

  it.each(['a', 'a:0', 'a:70000', 'a:9092,', 'kafka://a:9092'])(
    'envHostPorts rejects %s',
    (raw) => {
      expect(expected(envHostPorts(), raw)).toBe('a comma-separated list of host:port');
    },
  );

  it('envUrl checks the scheme', () => {
    expect(read(envUrl(['redis', 'rediss']), 'rediss://:pw@cache:6380/2')).toBe(
      'rediss://:pw@cache:6380/2',
    );
    expect(expected(envUrl(['redis', 'rediss']), '127.0.0.1:6379')).toBe(
      'a redis:// or rediss:// URL',
    );
  });

  it('rejects values that are not strings', () => {
    const parsed = envPort(1).safeParse(80);
    expect(parsed.success).toBe(false);
  });
});
