import { describeValue } from './describe';
import { InvalidArgumentError } from './errors';

/**
 * One rule of an options object: the field's path, the value given, whether it is valid,
 * and the expected form (used in the error message when it is not).
 */
export type OptionCheck = readonly [
  field: string,
  value: unknown,
  valid: boolean,
  expected: string,
];

/**
 * Throws one {@link InvalidArgumentError} (`OPTIONS_INVALID`) naming every failed check;
 * returns when all pass. Meant for the single "apply defaults and validate" function each
 * factory has. Values are rendered by {@link describeValue}: secret-named fields masked.
 *
 * @example
 * ```ts
 * checkOptions('createRedis', [
 *   ['url', o.url, /^rediss?:\/\//.test(o.url), 'a redis:// or rediss:// URL'],
 *   ['connectTimeoutMs', o.connectTimeoutMs, isPositiveInteger(o.connectTimeoutMs), 'an integer > 0'],
 * ]);
 * ```
 */
export function checkOptions(component: string, checks: readonly OptionCheck[]): void {
  const issues = checks
    .filter(([, , valid]) => !valid)
    .map(([field, value, , expected]) => ({
      field,
      value: describeValue(value, field),
      expected,
    }));
  if (issues.length > 0) {
    throw new InvalidArgumentError({ code: 'OPTIONS_INVALID', component, issues });
  }
}

/** True for integers greater than zero. */
export function isPositiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

/** True for integers greater than or equal to zero. */
export function isNonNegativeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** True for a non-empty list of finite, positive, strictly ascending numbers: histogram buckets. */
export function isAscendingPositiveList(value: unknown): value is readonly number[] {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every(
      (bound: unknown, index) =>
        typeof bound === 'number' &&
        Number.isFinite(bound) &&
        bound > 0 &&
        (index === 0 || bound > (value[index - 1] as number)),
    )
  );
}

/** True for strings with at least one non-blank character. */
export function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.trim().length > 0;
}

/**
 * True when `value` is an object with every named method: how factories check the ports
 * and clients JavaScript callers give them.
 *
 * @example
 * ```ts
 * checkOptions('OutboxRelay', [
 *   ['outbox', '[object]', hasMethods(o.outbox, ['publishBatch']), 'an Outbox'],
 * ]);
 * ```
 */
export function hasMethods(value: unknown, methods: readonly string[]): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return methods.every((method) => typeof record[method] === 'function');
}

/** Characters allowed in ids, timer ids and id prefixes. */
const ID_PATTERN = /^[A-Za-z0-9._-]+$/;

/**
 * Throws an {@link InvalidArgumentError} (`ARGUMENT_INVALID`) unless `value` is an integer
 * in `[min, max]`; returns it. The argument checks below stop at the first bad argument,
 * for calls whose arguments are checked one by one.
 *
 * @example
 * ```ts
 * const limit = checkInteger('limit', query.limit, 1, 500);
 * ```
 */
export function checkInteger(
  field: string,
  value: unknown,
  min: number,
  max: number = Number.MAX_SAFE_INTEGER,
): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `between ${min} and ${max}`;
    throw new InvalidArgumentError(field, value, `must be an integer ${range}`);
  }
  return value;
}

/** Throws unless `value` is a finite number `>= min`; returns it. */
export function checkFiniteNumber(field: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw new InvalidArgumentError(field, value, `must be a finite number >= ${min}`);
  }
  return value;
}

/** Throws unless `value` is a valid `Date`; returns it. */
export function checkDate(field: string, value: unknown): Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new InvalidArgumentError(field, value, 'must be a valid Date');
  }
  return value;
}

/** Throws unless `value` is a valid `Date` or ISO-8601 string; returns its epoch milliseconds. */
export function checkTime(field: string, value: unknown): number {
  const ms =
    value instanceof Date ? value.getTime() : typeof value === 'string' ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) {
    throw new InvalidArgumentError(field, value, 'must be a valid Date or ISO-8601 string');
  }
  return ms;
}

/** Throws unless `value` is a non-empty string of `[A-Za-z0-9._-]`; returns it. */
export function checkId(field: string, value: unknown): string {
  if (typeof value !== 'string' || !ID_PATTERN.test(value)) {
    throw new InvalidArgumentError(field, value, 'must be a non-empty string of [A-Za-z0-9._-]');
  }
  return value;
}

/** Throws unless `value` is an object that has every method in `methods`; returns it. */
export function checkPort<T>(field: string, value: T, methods: readonly (keyof T & string)[]): T {
  const missing =
    typeof value === 'object' && value !== null
      ? methods.filter((m) => typeof value[m] !== 'function')
      : methods;
  if (missing.length > 0) {
    throw new InvalidArgumentError(
      field,
      value,
      `must implement ${missing.map((m) => `${m}()`).join(', ')}`,
    );
  }
  return value;
}
