import { SagaflowError } from '@sagaflow/core';

/**
 * An option or argument of this library is invalid (a topic prefix with illegal
 * characters, a participant name too long for a topic, a non-positive size limit).
 * Raised at construction or call time; names the field and the bad value. Terminal.
 */
export class MessagingOptionError extends SagaflowError {
  readonly code = 'MESSAGING_OPTION_INVALID';
  readonly retryable = false;
  /** The option or argument, e.g. `prefix` or `participant`. */
  readonly field: string;
  /** The rejected value. */
  readonly value: unknown;

  constructor(field: string, value: unknown, problem: string) {
    super(`${field} ${describeValue(value)} is invalid: ${problem}`, { context: { field, value } });
    this.field = field;
    this.value = value;
  }
}

function describeValue(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return `(${typeof value})`;
}
