import { SagaflowError } from '@sagaflow/core';

/**
 * No FAILED EventProcess record has that consumer and message id: it does not exist, or it
 * is not FAILED (received, being processed, or done). The API answers 404. Terminal.
 */
export class FailedRecordNotFoundError extends SagaflowError {
  readonly code = 'FAILED_RECORD_NOT_FOUND';
  readonly retryable = false;

  constructor(consumer: string, messageId: string) {
    super(
      `no FAILED EventProcess record of consumer '${consumer}' has message id '${messageId}' (unknown, or not FAILED)`,
      { context: { consumer, messageId } },
    );
  }
}
