import { SagaflowError } from '@sagaflow/core';

/**
 * The dead letter was replayed before; replaying it again needs `force: true`. The API
 * answers 409. Terminal.
 */
export class DeadLetterAlreadyReplayedError extends SagaflowError {
  readonly code = 'DEAD_LETTER_ALREADY_REPLAYED';
  readonly retryable = false;

  constructor(id: string, replayedAt: string, replayedBy: string | null) {
    super(
      `dead letter '${id}' was already replayed at ${replayedAt} by ${replayedBy ?? 'an unknown actor'}; pass force: true to replay it again`,
      { context: { deadLetterId: id } },
    );
  }
}
