import { SagaflowError } from '@sagaflow/core';

/**
 * A dead letter whose value was truncated when it was recorded: re-publishing it would put
 * a damaged message on the source topic. Terminal.
 */
export class DeadLetterNotReplayableError extends SagaflowError {
  readonly code = 'DEAD_LETTER_NOT_REPLAYABLE';
  readonly retryable = false;

  constructor(id: string, reason: string) {
    super(`dead letter ${id} cannot be replayed: ${reason}`, { context: { deadLetterId: id } });
  }
}
