import { SagaflowError } from '@sagaflow/core';

/** Where in a request a value failed validation. */
export type RequestPart = 'body' | 'query' | 'params' | 'headers';

/**
 * A request's body, query string, path parameters or headers do not have the expected
 * shape. The API answers 400 with the issues. Terminal: fix the request.
 *
 * @example
 * ```ts
 * throw new RequestValidationError('query', ['query.limit: Too big: expected number to be <=500']);
 * ```
 */
export class RequestValidationError extends SagaflowError {
  readonly code = 'REQUEST_INVALID';
  readonly retryable = false;
  readonly part: RequestPart;
  /** One `path: message` line per issue, the path starting with the request part. */
  readonly issues: readonly string[];

  constructor(part: RequestPart, issues: readonly string[]) {
    super(`invalid request ${part}: ${issues.join('; ')}`);
    this.part = part;
    this.issues = issues;
  }
}
