import { type Clock } from '../ports/clock';
import { InvalidArgumentError, SagaflowError } from './errors';
import {
  checkDate,
  checkFiniteNumber,
  checkId,
  checkInteger,
  checkOptions,
  checkPort,
  checkTime,
  hasMethods,
  isAscendingPositiveList,
  isNonEmptyString,
  isNonNegativeInteger,
  isPositiveInteger,
} from './validation';

describe('checkOptions', () => {
  it('returns when every check passes', () => {
    expect(() => {
      checkOptions('widget', [['size', 3, isPositiveInteger(3), 'an integer > 0']]);
    }).not.toThrow();
  });

  it('throws one InvalidArgumentError naming every bad field and value', () => {
    let error: unknown;
    try {
      checkOptions('createWidget', [
        ['size', 0, isPositiveInteger(0), 'an integer > 0'],
        ['name', 'ok', isNonEmptyString('ok'), 'a non-empty string'],
        ['retry.retries', -1, isNonNegativeInteger(-1), 'an integer ≥ 0'],
        ['url', 'mysql://root:pw@db', false, 'a redis:// URL'],
        ['password', 'hunter2', false, 'a string'],
      ]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error).toBeInstanceOf(SagaflowError);
    const optionsError = error as InvalidArgumentError;
    expect(optionsError.code).toBe('OPTIONS_INVALID');
    expect(optionsError.component).toBe('createWidget');
    expect(optionsError.issues.map((i) => i.field)).toEqual([
      'size',
      'retry.retries',
      'url',
      'password',
    ]);
    expect(optionsError.message).toBe(
      'createWidget: invalid options: size=0 (expected an integer > 0); ' +
        'retry.retries=-1 (expected an integer ≥ 0); ' +
        'url="mysql://root:[REDACTED]@db" (expected a redis:// URL); ' +
        'password=[REDACTED] (expected a string)',
    );
  });

  it('renders values of any kind', () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    let message = '';
    try {
      checkOptions('c', [
        ['a', undefined, false, 'x'],
        ['b', () => 1, false, 'x'],
        ['c', 10n, false, 'x'],
        ['d', circular, false, 'x'],
        ['e', ['k:1'], false, 'x'],
      ]);
    } catch (e) {
      message = e instanceof Error ? e.message : '';
    }
    expect(message).toBe(
      'c: invalid options: a=undefined (expected x); b=a function (expected x); ' +
        'c=10n (expected x); d=an object (expected x); e=["k:1"] (expected x)',
    );
  });

  it.each([
    [isPositiveInteger, 1, true],
    [isPositiveInteger, 0, false],
    [isPositiveInteger, 1.5, false],
    [isNonNegativeInteger, 0, true],
    [isNonNegativeInteger, Number.NaN, false],
    [isNonEmptyString, ' ', false],
    [isNonEmptyString, 'a', true],
  ] as const)('%p(%p) is %p', (predicate, value, result) => {
    expect(predicate(value)).toBe(result);
  });

  it('hasMethods is true only for an object with every named method', () => {
    const port = { get: () => 1, set: () => undefined, name: 'x' };
    expect(hasMethods(port, ['get', 'set'])).toBe(true);
    expect(hasMethods(port, ['get', 'name'])).toBe(false);
    expect(hasMethods(null, [])).toBe(false);
    expect(hasMethods('get', ['length'])).toBe(false);
  });

  it('isAscendingPositiveList takes histogram buckets: positive, finite, strictly ascending', () => {
    expect(isAscendingPositiveList([0.001, 0.5, 2, 30])).toBe(true);
    expect(isAscendingPositiveList([1])).toBe(true);
    for (const bad of [[], [1, 1], [2, 1], [0, 1], [1, Infinity], [1, '2'], 'x', null]) {
      expect(isAscendingPositiveList(bad)).toBe(false);
    }
  });
});

describe('argument checks', () => {
  it('return valid values unchanged', () => {
    expect(checkInteger('n', 3, 0, 5)).toBe(3);
    expect(checkFiniteNumber('n', 0.5, 0)).toBe(0.5);
    expect(checkTime('t', '2030-01-01T00:00:00Z')).toBe(Date.UTC(2030, 0, 1));
    const date = new Date('2030-01-01T00:00:00Z');
    expect(checkDate('d', date)).toBe(date);
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
    expect(() => checkDate('d', new Date(Number.NaN))).toThrow(
      'invalid d: Invalid Date (must be a valid Date)',
    );
    expect(() => checkId('id', '')).toThrow('must be a non-empty string of [A-Za-z0-9._-]');
    expect(() => checkPort('clock', null as unknown as Clock, ['now'])).toThrow(
      'invalid clock: null (must implement now())',
    );
  });
});
