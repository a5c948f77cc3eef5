import { SagaflowError, type SagaflowErrorOptions } from '@sagaflow/core';

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
