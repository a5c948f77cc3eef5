import { type ErrorContext, SagaflowError } from '@sagaflow/core';

/**
 * A well-formed message that this consumer does not take (a reply on a command topic, a
 * command type without handler): the reason of its dead letter. Terminal — the same
 * message is rejected every time. {@link code} is the consumer's reason code, e.g.
 * `UNKNOWN_MESSAGE_TYPE`.
 */
export class MessageRejectedError extends SagaflowError {
  readonly code: string;
  readonly retryable = false;

  constructor(code: string, message: string, context: ErrorContext) {
    super(message, { context });
    this.code = code;
  }
}
