import { OptionsError } from './options-error';
import { isSecretName, REDACTED, redactUrlCredentials } from './redaction';

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
 * Throws one {@link OptionsError} naming every failed check; returns when all pass. Meant
 * for the single "apply defaults and validate" function each factory has.
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
      value: renderOptionValue(field, value),
      expected,
    }));
  if (issues.length > 0) throw new OptionsError(component, issues);
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

function renderOptionValue(field: string, value: unknown): string {
  if (isSecretName(field)) return REDACTED;
  if (typeof value === 'string') return JSON.stringify(redactUrlCredentials(value));
  if (typeof value === 'function') return '[function]';
  if (typeof value === 'bigint') return `${value}n`;
  if (value === undefined) return 'undefined';
  try {
    return redactUrlCredentials(JSON.stringify(value));
  } catch {
    // Circular structures cannot be rendered; naming the type is enough to locate the field.
    return `[${typeof value}]`;
  }
}
