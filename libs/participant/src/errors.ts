import { type ErrorContext, SagaflowError } from '@sagaflow/core';

/**
 * A command's handler failed on its last attempt (or with a terminal error): its technical
 * failure reply is written and its EventProcess record is FAILED. Terminal; `cause` is the
 * handler's error.
 */
export class HandlerFailedError extends SagaflowError {
  readonly code = 'HANDLER_FAILED';
  readonly retryable = false;
  /** Runs of the handler, this one included. */
  readonly attempts: number;

  constructor(message: string, attempts: number, cause: unknown, context: ErrorContext) {
    super(message, { cause, context });
    this.attempts = attempts;
  }
}

/**
 * An admin request's body cannot be read: too large (413) or not JSON by its content type
 * (415). Terminal: fix the request.
 */
export class RequestBodyError extends SagaflowError {
  readonly code: 'PAYLOAD_TOO_LARGE' | 'UNSUPPORTED_MEDIA_TYPE';
  readonly retryable = false;

  constructor(code: 'PAYLOAD_TOO_LARGE' | 'UNSUPPORTED_MEDIA_TYPE', message: string) {
    super(message);
    this.code = code;
  }
}
