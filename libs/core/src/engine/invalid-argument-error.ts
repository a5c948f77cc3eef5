import { SagaflowError, type SagaflowErrorOptions } from '../errors/sagaflow-error';

/**
 * An option or argument has a value that can never work (a negative retry count, an
 * empty prefix, an invalid date). Terminal: fix the caller. The message names the field
 * and the bad value.
 *
 * @example
 * ```ts
 * throw new InvalidArgumentError('maxConflictRetries', -1, 'must be an integer >= 0');
 * // invalid maxConflictRetries: -1 (must be an integer >= 0)
 * ```
 */
export class InvalidArgumentError extends SagaflowError {
  readonly code = 'ARGUMENT_INVALID';
  readonly retryable = false;
  /** The option or argument, e.g. `maxConflictRetries`. */
  readonly field: string;
  /** The rejected value. */
  readonly value: unknown;

  constructor(field: string, value: unknown, rule: string, options?: SagaflowErrorOptions) {
    super(`invalid ${field}: ${truncate(describeValue(value))} (${rule})`, options);
    this.field = field;
    this.value = value;
  }
}

function describeValue(value: unknown): string {
  switch (typeof value) {
    case 'undefined':
      return 'undefined';
    case 'function':
      return 'a function';
    case 'symbol':
      return value.toString();
    case 'bigint':
      return `${value.toString()}n`;
    default:
      if (value instanceof Date) {
        return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
      }
      try {
        return JSON.stringify(value);
      } catch {
        // Circular structures cannot be shown as JSON; their tag still tells what was passed.
        return Object.prototype.toString.call(value);
      }
  }
}

/** Long values (a whole object passed where a port was expected) are cut to keep logs readable. */
function truncate(text: string): string {
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
