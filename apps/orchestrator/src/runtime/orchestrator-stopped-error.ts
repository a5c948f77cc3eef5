import { SagaflowError } from '@sagaflow/core';

/**
 * `start()` was called on an orchestrator that was stopped: its connections are closed.
 * Terminal: create a new orchestrator instead.
 */
export class OrchestratorStoppedError extends SagaflowError {
  readonly code = 'ORCHESTRATOR_STOPPED';
  readonly retryable = false;
  constructor() {
    super('this orchestrator was stopped and cannot start again; create a new one');
  }
}
