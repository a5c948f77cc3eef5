import { SagaflowError, type SagaflowErrorOptions } from '@sagaflow/core';

/** No dead letter has that id. Terminal. */
export class DeadLetterNotFoundError extends SagaflowError {
  readonly code = 'DEAD_LETTER_NOT_FOUND';
  readonly retryable = false;
  readonly deadLetterId: string;

  constructor(deadLetterId: string, options?: SagaflowErrorOptions) {
    super(`dead letter '${deadLetterId}' does not exist`, options);
    this.deadLetterId = deadLetterId;
  }
}
