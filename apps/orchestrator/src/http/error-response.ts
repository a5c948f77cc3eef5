import { InvalidSagaInputError, RequestValidationError, SagaflowError } from '@sagaflow/core';

import {
  AccessDeniedError,
  RateLimitedError,
  RequestRefusedError,
  SagaStartRefusedError,
  StreamLimitReachedError,
  UnauthenticatedError,
} from './errors';

/** The body of every error response. */
export interface ErrorBody {
  readonly error: {
    /** The stable `code` of the error (`SAGA_NOT_FOUND`, `REQUEST_INVALID`, …). */
    readonly code: string;
    readonly message: string;
    /** What the client needs to fix the request, e.g. `{ issues: ['body.sagaType: …'] }`. */
    readonly details?: Readonly<Record<string, unknown>>;
  };
}

/** An error as the API answers it. */
export interface ErrorResponse {
  readonly statusCode: number;
  readonly body: ErrorBody;
  /**
   * Headers the answer carries: `Retry-After` for a refused request, `WWW-Authenticate` for
   * a request without a valid token.
   */
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * The HTTP status of each error code the API answers with a status other than 500 (or 503
 * for retryable errors). Terminal errors whose code is not listed are internal: 500,
 * without their message.
 */
export const HTTP_STATUS_BY_ERROR_CODE: Readonly<Record<string, number>> = {
  REQUEST_INVALID: 400,
  INPUT_INVALID: 400,
  ARGUMENT_INVALID: 400,
  UNAUTHENTICATED: 401,
  ACCESS_DENIED: 403,
  SAGA_NOT_FOUND: 404,
  SAGA_TYPE_UNKNOWN: 404,
  DEAD_LETTER_NOT_FOUND: 404,
  FAILED_RECORD_NOT_FOUND: 404,
  ROUTE_NOT_FOUND: 404,
  DASHBOARD_NOT_BUILT: 404,
  ACTION_NOT_ALLOWED: 409,
  CONCURRENCY_CONFLICT: 409,
  SAGA_VERSION_MOVED: 409,
  BUSINESS_KEY_TAKEN: 409,
  DEAD_LETTER_ALREADY_REPLAYED: 409,
  DEAD_LETTER_NOT_REPLAYABLE: 409,
  SAGA_START_REFUSED: 429,
  RATE_LIMITED: 429,
  SERVICE_STARTING: 503,
  STREAM_LIMIT_REACHED: 503,
  SERVICE_STOPPING: 503,
};

/** Codes of client errors raised by fastify itself (parsing), by status. */
const FRAMEWORK_CODE_BY_STATUS: Readonly<Record<number, string>> = {
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
};

/**
 * Maps an error to its response: the error's `code` and message for known and retryable
 * Sagaflow errors (503 when retryable), with `Retry-After` for a refused request and
 * `WWW-Authenticate` for an unauthenticated one, the
 * framework's message for malformed requests (bad JSON, body too large), and a bare 500 for
 * anything else, so internals never leak.
 *
 * @example
 * ```ts
 * toErrorResponse(new SagaNotFoundError('s-1'));
 * // { statusCode: 404, body: { error: { code: 'SAGA_NOT_FOUND', message: "saga 's-1' does not exist" } } }
 * ```
 */
export function toErrorResponse(error: unknown, requestId: string): ErrorResponse {
  if (error instanceof SagaflowError) {
    const status = HTTP_STATUS_BY_ERROR_CODE[error.code] ?? (error.retryable ? 503 : undefined);
    if (status !== undefined) {
      const response = respond(status, error.code, error.message, detailsOf(error));
      if (error instanceof RequestRefusedError) {
        return { ...response, headers: { 'retry-after': String(error.retryAfterSeconds) } };
      }
      if (error instanceof UnauthenticatedError) {
        return { ...response, headers: { 'www-authenticate': error.challenge } };
      }
      return response;
    }
  } else {
    const clientStatus = clientErrorStatus(error);
    if (clientStatus !== null && error instanceof Error) {
      const code = FRAMEWORK_CODE_BY_STATUS[clientStatus] ?? 'REQUEST_INVALID';
      return respond(clientStatus, code, error.message, undefined);
    }
  }
  return respond(
    500,
    'INTERNAL_ERROR',
    `the request failed on the server; its logs name request ${requestId}`,
    undefined,
  );
}

function respond(
  statusCode: number,
  code: string,
  message: string,
  details: Readonly<Record<string, unknown>> | undefined,
): ErrorResponse {
  return {
    statusCode,
    body: { error: details === undefined ? { code, message } : { code, message, details } },
  };
}

function detailsOf(error: SagaflowError): Readonly<Record<string, unknown>> | undefined {
  if (error instanceof RequestValidationError || error instanceof InvalidSagaInputError) {
    return { issues: error.issues };
  }
  if (error instanceof SagaStartRefusedError) {
    const { reason, count, bound, retryAfterSeconds } = error;
    return { reason, count, bound, retryAfterSeconds };
  }
  if (error instanceof AccessDeniedError) return { role: error.role, required: error.required };
  if (error instanceof StreamLimitReachedError) {
    return { limit: error.limit, retryAfterSeconds: error.retryAfterSeconds };
  }
  if (error instanceof RateLimitedError) {
    return { limit: error.limit, retryAfterSeconds: error.retryAfterSeconds };
  }
  return undefined;
}

/** The 4xx status fastify put on an error it raised while reading the request, else null. */
function clientErrorStatus(error: unknown): number | null {
  if (typeof error !== 'object' || error === null || !('statusCode' in error)) return null;
  const { statusCode } = error;
  return typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500
    ? statusCode
    : null;
}
