import { SagaflowError, type SagaflowErrorOptions } from '@sagaflow/core';

/**
 * An outbox message id is already in the outbox (or twice in one write): the outbox's
 * unique key on `message_id` rejected the write, and the transaction writing it must roll
 * back. Terminal: message ids are deterministic, so the same write fails again.
 */
export class DuplicateOutboxMessageError extends SagaflowError {
  readonly code = 'OUTBOX_MESSAGE_DUPLICATE';
  readonly retryable = false;
  /** The ids of the write, one of which is taken. */
  readonly messageIds: readonly string[];

  constructor(messageIds: readonly string[], options?: SagaflowErrorOptions) {
    super(
      `an outbox message id is already taken (one of: ${messageIds.slice(0, 10).join(', ')}${
        messageIds.length > 10 ? ', …' : ''
      })`,
      {
        ...options,
        context: {
          ...options?.context,
          ...(messageIds[0] === undefined ? {} : { messageId: messageIds[0] }),
        },
      },
    );
    this.messageIds = messageIds;
  }
}
