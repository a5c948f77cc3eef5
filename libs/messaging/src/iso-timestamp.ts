import { MessageEncodeError } from './errors';

/**
 * `date` as an ISO-8601 UTC timestamp.
 *
 * @throws {@link MessageEncodeError} for an invalid date, which `toISOString` would turn
 * into an untyped `RangeError`.
 */
export function isoTimestamp(date: Date, field: string): string {
  if (Number.isNaN(date.getTime())) {
    throw new MessageEncodeError(`${field} is not a valid date`, { field });
  }
  return date.toISOString();
}
