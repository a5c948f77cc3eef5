import { checkFiniteNumber, checkId, checkInteger, checkPort, checkTime } from './argument-checks';
import { type Clock } from '../ports/clock';
import { InvalidArgumentError } from './invalid-argument-error';

describe('InvalidArgumentError', () => {
  it('names the field, shows the value and the rule; terminal, with a stable code', () => {
    const error = new InvalidArgumentError('maxConflictRetries', -1, 'must be >= 0');
    expect(error.message).toBe('invalid maxConflictRetries: -1 (must be >= 0)');
    expect(error).toMatchObject({
      code: 'ARGUMENT_INVALID',
      retryable: false,
      field: 'maxConflictRetries',
      value: -1,
      name: 'InvalidArgumentError',
    });
  });

  const circular: Record<string, unknown> = {};
  circular.self = circular;

  it.each([
    [undefined, 'undefined'],
    [() => 1, 'a function'],
    [Symbol('s'), 'Symbol(s)'],
    [10n, '10n'],
    [new Date('2030-01-01T00:00:00Z'), '2030-01-01T00:00:00.000Z'],
    [new Date(Number.NaN), 'Invalid Date'],
    [circular, '[object Object]'],
    ['x'.repeat(200), `"${'x'.repeat(116)}...`],
    [{ a: [1, null] }, '{"a":[1,null]}'],
  ])('shows %p as %s', (value, shown) => {
    expect(new InvalidArgumentError('f', value, 'rule').message).toBe(`invalid f: ${shown} (rule)`);
  });
});

describe('argument checks', () => {
  it('return valid values unchanged', () => {
    expect(checkInteger('n', 3, 0, 5)).toBe(3);
    expect(checkFiniteNumber('n', 0.5, 0)).toBe(0.5);
    expect(checkTime('t', '2030-01-01T00:00:00Z')).toBe(Date.UTC(2030, 0, 1));
    expect(checkId('id', 'a.B-9_z')).toBe('a.B-9_z');
  });

  it('reject invalid values with the rule', () => {
    expect(() => checkInteger('n', 6, 0, 5)).toThrow(
      'invalid n: 6 (must be an integer between 0 and 5)',
    );
    expect(() => checkInteger('n', '1', 0)).toThrow('invalid n: "1" (must be an integer >= 0)');
    expect(() => checkFiniteNumber('n', Infinity, 0)).toThrow('must be a finite number >= 0');
    expect(() => checkTime('t', 42)).toThrow(
      'invalid t: 42 (must be a valid Date or ISO-8601 string)',
    );
    expect(() => checkId('id', '')).toThrow('must be a non-empty string of [A-Za-z0-9._-]');
    expect(() => checkPort('clock', null as unknown as Clock, ['now'])).toThrow(
      'invalid clock: null (must implement now())',
    );
  });
});
