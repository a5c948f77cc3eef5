import { type ErrorContext, SagaflowError } from '@sagaflow/core';

/**
 * A message cannot be produced: it does not match its schema (a bad id, a non-JSON
 * payload, an invalid date) or its encoding is larger than the limit. Raised on the
 * producing side so that a message no consumer could read never reaches Kafka. Terminal.
 */
export class MessageEncodeError extends SagaflowError {
  readonly code = 'MESSAGE_NOT_ENCODABLE';
  readonly retryable = false;
  /** One line per schema violation, `path: issue` (empty when the message is too large). */
  readonly issues: readonly string[];

  constructor(message: string, context: ErrorContext, issues: readonly string[] = []) {
    super(message, { context });
    this.issues = issues;
  }
}
