import { SagaflowError } from '@sagaflow/core';

import { type ApiRole } from '../api-tokens';
import { RequestRefusedError } from './admission-errors';

/** Why a request was not authenticated. */
export type UnauthenticatedReason = 'missing' | 'malformed' | 'unknown';

const UNAUTHENTICATED_MESSAGES: Readonly<Record<UnauthenticatedReason, string>> = {
  missing: 'this route needs an API token: send it as Authorization: Bearer <token>',
  malformed: 'the Authorization header is not Bearer <token>',
  unknown: 'the API token is not valid',
};

/**
 * The request carries no API token, a malformed `Authorization` header, or a token that is
 * not configured. The API answers 401 with `WWW-Authenticate: Bearer`. Terminal: send a
 * valid token.
 */
export class UnauthenticatedError extends SagaflowError {
  readonly code = 'UNAUTHENTICATED';
  readonly retryable = false;
  readonly reason: UnauthenticatedReason;

  constructor(reason: UnauthenticatedReason) {
    super(UNAUTHENTICATED_MESSAGES[reason], { context: { reason } });
    this.reason = reason;
  }

  /** The `WWW-Authenticate` challenge (RFC 6750): `invalid_token` for a token that was sent. */
  get challenge(): string {
    return this.reason === 'missing'
      ? 'Bearer realm="sagaflow"'
      : 'Bearer realm="sagaflow", error="invalid_token"';
  }
}

/**
 * The token is valid but its role is below what the route needs (a viewer starting a
 * saga). The API answers 403 with the token's role and the role needed. Terminal.
 */
export class AccessDeniedError extends SagaflowError {
  readonly code = 'ACCESS_DENIED';
  readonly retryable = false;
  readonly role: ApiRole;
  readonly required: ApiRole;

  constructor(tokenName: string, role: ApiRole, required: ApiRole, route: string) {
    super(`token '${tokenName}' has role ${role}; ${route} needs ${required}`, {
      context: { tokenName, role, required },
    });
    this.role = role;
    this.required = required;
  }
}

/**
 * The token sent more writes in the current minute than the write rate limit allows. The
 * API answers 429 with `Retry-After` (seconds until the window ends). Retryable.
 */
export class RateLimitedError extends RequestRefusedError {
  readonly code = 'RATE_LIMITED';
  readonly limit: number;

  constructor(tokenName: string, limit: number, retryAfterSeconds: number) {
    super(
      `token '${tokenName}' sent more than ${limit} writes this minute; try again in ${retryAfterSeconds} s`,
      retryAfterSeconds,
      { tokenName, limit },
    );
    this.limit = limit;
  }
}
