import { SagaflowError, type SagaflowErrorOptions } from '@sagaflow/core';

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

/**
 * The module named by `SAGAFLOW_SAGAS_MODULE` cannot be loaded or does not export
 * `definitions`: a list of saga definitions. Terminal: fix the variable or the module.
 */
export class SagasModuleError extends SagaflowError {
  readonly code = 'SAGAS_MODULE_INVALID';
  readonly retryable = false;
  /** The module as named in the variable. */
  readonly specifier: string;
  constructor(specifier: string, message: string, options?: SagaflowErrorOptions) {
    super(`SAGAFLOW_SAGAS_MODULE=${JSON.stringify(specifier)}: ${message}`, {
      ...options,
      context: { ...options?.context, specifier },
    });
    this.specifier = specifier;
  }
}
