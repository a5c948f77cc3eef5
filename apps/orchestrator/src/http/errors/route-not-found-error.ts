import { SagaflowError } from '@sagaflow/core';

/** No route matches the request's method and path. The API answers 404. Terminal. */
export class RouteNotFoundError extends SagaflowError {
  readonly code = 'ROUTE_NOT_FOUND';
  readonly retryable = false;

  constructor(method: string, path: string) {
    super(`no route for ${method} ${path}`);
  }
}
