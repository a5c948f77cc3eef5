import { InvalidArgumentError } from './invalid-argument-error';

/** Characters allowed in ids, timer ids and id prefixes. */
const ID_PATTERN = /^[A-Za-z0-9._-]+$/;

/** Throws unless `value` is an integer in `[min, max]`. */
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

/** Throws unless `value` is a finite number `>= min`. */
export function checkFiniteNumber(field: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw new InvalidArgumentError(field, value, `must be a finite number >= ${min}`);
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

/** Throws unless `value` is a non-empty string of `[A-Za-z0-9._-]`. */
export function checkId(field: string, value: unknown): string {
  if (typeof value !== 'string' || !ID_PATTERN.test(value)) {
    throw new InvalidArgumentError(field, value, 'must be a non-empty string of [A-Za-z0-9._-]');
  }
  return value;
}

/** Throws unless `value` is an object that has every method in `methods`. */
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
