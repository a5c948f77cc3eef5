import { SagaflowError } from '@sagaflow/core';

/**
 * Some components failed to close during `stop()`; every other component was closed all
 * the same. `failures` names each one with its error. Nothing durable is lost: what was
 * not published or processed stays in MySQL for the next start.
 */
export class OrchestratorStopError extends SagaflowError {
  readonly code = 'ORCHESTRATOR_STOP_FAILED';
  readonly retryable = false;
  readonly failures: readonly { readonly component: string; readonly error: unknown }[];
  constructor(failures: readonly { readonly component: string; readonly error: unknown }[]) {
    super(
      `the orchestrator stopped with failures in: ${failures.map((f) => f.component).join(', ')}`,
      { cause: new AggregateError(failures.map((f) => f.error)) },
    );
    this.failures = failures;
  }
}
