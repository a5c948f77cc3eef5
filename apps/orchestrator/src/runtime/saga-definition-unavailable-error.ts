import { SagaflowError, type SagaflowErrorOptions } from '@sagaflow/core';

/**
 * A reply belongs to a saga whose definition version this instance does not have. During
 * a rolling deploy another instance may have it (an older one still running a version
 * this one dropped, or a newer one with a version this one does not know yet), so applying
 * the reply is retried with the worker pool's back-off — any instance may pick the retry —
 * and the record is FAILED only when the attempts run out, for an operator to retry once
 * every instance runs the version (`POST /inbox/failed/:consumer/:messageId/retry`).
 * Retryable; `cause` is core's `UnknownSagaTypeError`.
 */
export class SagaDefinitionUnavailableError extends SagaflowError {
  readonly code = 'SAGA_DEFINITION_UNAVAILABLE';
  readonly retryable = true;

  constructor(
    sagaType: string,
    sagaVersion: number,
    options: SagaflowErrorOptions & { readonly cause: unknown },
  ) {
    super(
      `saga definition '${sagaType}' version ${sagaVersion} is not registered on this instance; another instance may have it`,
      { ...options, context: { ...options.context, sagaType } },
    );
  }
}
