import { type ErrorContext, SagaflowError, type SagaflowErrorOptions } from '@sagaflow/core';

/**
 * The broker fenced this publisher's transactional producer: another producer initialised
 * the same `transactionalId` after it (a second relay configured with the same instance id,
 * or this process came back from a pause after the broker expired its transaction). The
 * transaction was not committed. Terminal for this producer: every later publish fails the
 * same way until `TransactionalPublisher.reset()` starts a new one, which in turn fences
 * the other holder of the id.
 */
export class ProducerFencedError extends SagaflowError {
  readonly code = 'KAFKA_PRODUCER_FENCED';
  readonly retryable = false;
  readonly transactionalId: string;

  constructor(transactionalId: string, options?: SagaflowErrorOptions) {
    super(
      `the transactional producer '${transactionalId}' was fenced: another producer uses the same transactional id, or the broker expired its transaction`,
      { ...options, context: { ...options?.context, transactionalId } },
    );
    this.transactionalId = transactionalId;
  }
}

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
