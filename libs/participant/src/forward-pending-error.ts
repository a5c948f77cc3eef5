import { type ErrorContext, SagaflowError } from '@sagaflow/core';

/**
 * A compensation arrived while the forward command of the same step is still RECEIVED or
 * PROCESSING here. Kafka delivers the forward command first, but the worker pool runs
 * commands concurrently, so the compensation waits for the forward outcome. Retryable.
 */
export class ForwardPendingError extends SagaflowError {
  readonly code = 'FORWARD_PENDING';
  readonly retryable = true;

  constructor(context: ErrorContext) {
    super(
      `the forward command of step '${String(context.step)}' is still being processed; the compensation waits for it`,
      { context },
    );
  }
}
