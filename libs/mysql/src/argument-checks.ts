import { InvalidArgumentError } from '@sagaflow/core';

/** Throws `InvalidArgumentError` unless `value` is an integer in `[min, max]`. */
export function checkInteger(
  field: string,
  value: number,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `between ${min} and ${max}`;
    throw new InvalidArgumentError(field, value, `must be an integer ${range}`);
  }
  return value;
}

/** Throws `InvalidArgumentError` unless `value` is a valid `Date`. */
export function checkDate(field: string, value: Date): Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new InvalidArgumentError(field, value, 'must be a valid Date');
  }
  return value;
}
