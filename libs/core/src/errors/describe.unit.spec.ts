import {
  describeValue,
  errorMessage,
  formatIssues,
  formatPath,
  isSecretName,
  MAX_REPORTED_ISSUES,
  redactUrlCredentials,
} from './describe';
import { BusinessError, ConcurrencyError, describeError } from './errors';

describe('describeError', () => {
  it('gives name and message of a plain error', () => {
    expect(describeError(new TypeError('bad'))).toEqual({ name: 'TypeError', message: 'bad' });
  });

  it('adds the code of a coded error', () => {
    const driver = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(describeError(driver)).toEqual({
      name: 'Error',
      code: 'ECONNREFUSED',
      message: 'connect ECONNREFUSED',
    });
    expect(describeError(new ConcurrencyError('s-1', 3))).toEqual({
      name: 'ConcurrencyError',
      code: 'CONCURRENCY_CONFLICT',
      message: "saga 's-1' was changed by another writer (expected version 3)",
      context: { sagaId: 's-1' },
    });
  });

  it('adds the stack of an unexpected error when asked, never of a Sagaflow error', () => {
    const unexpected = new TypeError('x is undefined');
    expect(describeError(unexpected, { stack: true })).toEqual({
      name: 'TypeError',
      message: 'x is undefined',
      stack: unexpected.stack,
    });
    expect(describeError(new ConcurrencyError('s-1', 3), { stack: true })).not.toHaveProperty(
      'stack',
    );
  });

  it('ignores a code that is not a string, and returns a thrown non-error as it is', () => {
    expect(describeError(Object.assign(new Error('x'), { code: 42 }))).toEqual({
      name: 'Error',
      message: 'x',
    });
    expect(describeError('just text')).toBe('just text');
  });
});

describe('errorMessage', () => {
  it("gives an error's message, a thrown string as it is, anything else as describeValue does", () => {
    expect(errorMessage(new TypeError('x is undefined'))).toBe('x is undefined');
    expect(errorMessage(new BusinessError('OUT_OF_STOCK', 'no stock'))).toBe('no stock');
    expect(errorMessage('unknown command type')).toBe('unknown command type');
    expect(errorMessage({ sku: 'A-1' })).toBe('{"sku":"A-1"}');
    expect(errorMessage(42)).toBe('42');
    expect(errorMessage(null)).toBe('null');
    expect(errorMessage(undefined)).toBe('undefined');
  });

  it('puts the string code, else the name, before the message when asked', () => {
    const driver = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    expect(errorMessage(driver, { code: true })).toBe('ECONNRESET: read ECONNRESET');
    expect(errorMessage(new ConcurrencyError('s-1', 3), { code: true })).toBe(
      "CONCURRENCY_CONFLICT: saga 's-1' was changed by another writer (expected version 3)",
    );
    expect(errorMessage(new TypeError('x is undefined'), { code: true })).toBe(
      'TypeError: x is undefined',
    );
    expect(errorMessage(Object.assign(new Error('x'), { code: 42 }), { code: true })).toBe(
      'Error: x',
    );
    expect(errorMessage('unknown command type', { code: true })).toBe('unknown command type');
  });

  it('gives the code or name of an error whose message is empty', () => {
    expect(errorMessage(new RangeError())).toBe('RangeError');
    expect(errorMessage(Object.assign(new Error(), { code: 'ETIMEDOUT' }), { code: true })).toBe(
      'ETIMEDOUT',
    );
  });

  it('reads an error by its shape, as one made in another realm is no instance of Error', () => {
    const foreign = { name: 'TypeError', message: 'fetch failed' };
    expect(errorMessage(foreign)).toBe('fetch failed');
    expect(errorMessage(foreign, { code: true })).toBe('TypeError: fetch failed');
    expect(errorMessage({ message: 'no name' }, { code: true })).toBe('Error: no name');
  });
});

describe('describeValue', () => {
  const circular: Record<string, unknown> = {};
  circular.self = circular;

  it.each<[unknown, string]>([
    ['a b', '"a b"'],
    [-1, '-1'],
    [Number.NaN, 'NaN'],
    [Infinity, 'Infinity'],
    [true, 'true'],
    [null, 'null'],
    [undefined, 'undefined'],
    [() => 1, 'a function'],
    [Symbol('s'), 'Symbol(s)'],
    [10n, '10n'],
    [new Date('2030-01-01T00:00:00Z'), '2030-01-01T00:00:00.000Z'],
    [new Date(Number.NaN), 'Invalid Date'],
    [['k:1'], '["k:1"]'],
    [{ a: [1, null] }, '{"a":[1,null]}'],
    [circular, 'an object'],
    [new Map([[1, 2]]), 'an object'],
    ['x'.repeat(200), `"${'x'.repeat(116)}...`],
    ['mysql://root:pw@db', '"mysql://root:[REDACTED]@db"'],
    [{ url: 'redis://:pw@cache' }, '{"url":"redis://:[REDACTED]@cache"}'],
  ])('shows %p as %s', (value, shown) => {
    expect(describeValue(value)).toBe(shown);
  });

  it('masks the value of a secret-named field', () => {
    expect(describeValue('hunter2', 'password')).toBe('[REDACTED]');
    expect(describeValue('hunter2', 'user')).toBe('"hunter2"');
  });
});

describe('formatIssues', () => {
  it('writes one `path: message` line per issue, paths as code writes them', () => {
    expect(
      formatIssues([
        { path: ['items', 0, 'sku'], message: 'Required' },
        { path: [], message: 'Too small' },
        { path: ['headers', 'x-id'], message: 'Invalid' },
        { path: ['meta', 'a b'], message: 'Invalid' },
      ]),
    ).toEqual([
      'items[0].sku: Required',
      '(root): Too small',
      'headers.x-id: Invalid',
      'meta["a b"]: Invalid',
    ]);
  });

  it('starts paths at a root name when one is given', () => {
    expect(formatIssues([{ path: ['limit'], message: 'Too big' }], 'query')).toEqual([
      'query.limit: Too big',
    ]);
    expect(formatPath([], 'body')).toBe('body');
  });

  it(`keeps at most ${MAX_REPORTED_ISSUES} issues and counts the rest`, () => {
    const issues = Array.from({ length: MAX_REPORTED_ISSUES + 5 }, (_, i) => ({
      path: [i],
      message: 'bad',
    }));
    const lines = formatIssues(issues);
    expect(lines).toHaveLength(MAX_REPORTED_ISSUES + 1);
    expect(lines.at(-1)).toBe('… and 5 more');
  });
});

describe('isSecretName', () => {
  it.each([
    'password',
    'SAGAFLOW_MYSQL_PASSWORD',
    'apiKey',
    'api_key',
    'Authorization',
    'client_secret',
    'refreshToken',
    'credentials',
    'pwd',
    'Set-Cookie',
  ])('%s is a secret', (name) => {
    expect(isSecretName(name)).toBe(true);
  });

  it.each(['sagaId', 'messageId', 'host', 'SAGAFLOW_MYSQL_USER', 'step'])(
    '%s is not a secret',
    (name) => {
      expect(isSecretName(name)).toBe(false);
    },
  );
});

describe('redactUrlCredentials', () => {
  it.each([
    ['mysql://root:pw@db:3306/app', 'mysql://root:[REDACTED]@db:3306/app'],
    ['redis://:s3cret@cache:6379', 'redis://:[REDACTED]@cache:6379'],
    [
      'connect to mysql://u:p@a and amqp://x:y@b',
      'connect to mysql://u:[REDACTED]@a and amqp://x:[REDACTED]@b',
    ],
    ['https://h/path?user=a&password=b&x=1', 'https://h/path?user=a&password=[REDACTED]&x=1'],
    ['https://h/?token=abc#frag', 'https://h/?token=[REDACTED]#frag'],
    ['redis://127.0.0.1:6379', 'redis://127.0.0.1:6379'],
    ['no url here', 'no url here'],
  ])('%s → %s', (input, output) => {
    expect(redactUrlCredentials(input)).toBe(output);
  });
});
