import { SagaflowError } from '@sagaflow/core';

/** No dead letter has that id. The API answers 404. Terminal. */
export class DeadLetterNotFoundError extends SagaflowError {
  readonly code = 'DEAD_LETTER_NOT_FOUND';
  readonly retryable = false;

  constructor(id: string) {
    super(`dead letter '${id}' does not exist`, { context: { deadLetterId: id } });
  }
}
