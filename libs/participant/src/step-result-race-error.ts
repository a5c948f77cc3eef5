import { type ErrorContext, SagaflowError } from '@sagaflow/core';

/**
 * Another attempt of the same step (and direction) recorded its `step_result` first: this
 * transaction rolls back and runs again, and then answers from the stored result.
 * Retryable; it only escapes when the race repeats more often than the processor retries.
 */
export class StepResultRaceError extends SagaflowError {
  readonly code = 'STEP_RESULT_RACE';
  readonly retryable = true;

  constructor(context: ErrorContext) {
    super(`another attempt of step '${String(context.step)}' recorded its result first`, {
      context,
    });
  }
}
