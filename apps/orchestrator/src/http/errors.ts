import { SagaflowError } from '@sagaflow/core';

import { type ApiRole } from './api-tokens';
import { type AdmissionDecision, type RefusalReason } from './ports/admission-port';

/**
 * A request the orchestrator refused for now: the answer carries `Retry-After`. Retryable:
 * the same request later may pass.
 */
export abstract class RequestRefusedError extends SagaflowError {
  readonly retryable = true;
  /** Whole seconds the client should wait: the `Retry-After` header. */
  readonly retryAfterSeconds: number;

  constructor(message: string, retryAfterSeconds: number, context: Record<string, unknown>) {
    super(message, { context: { ...context, retryAfterSeconds } });
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/**
 * The instance is starting: it listens already (liveness answers) but its event store is
 * not open yet. The API answers 503 with `Retry-After`; usually gone within a second.
 */
export class ServiceStartingError extends RequestRefusedError {
  readonly code = 'SERVICE_STARTING';

  constructor(retryAfterSeconds: number) {
    super(
      'the orchestrator is starting and cannot serve this request yet; try again shortly',
      retryAfterSeconds,
      {},
    );
  }
}

/** What each backlog reason counts, in messages. */
const BACKLOG_NAMES: Readonly<Record<Exclude<RefusalReason, 'starting'>, string>> = {
  'pending-replies': 'replies waiting to be applied',
  'in-flight-sagas': 'sagas in flight',
};

/**
 * A new saga was refused because a backlog is at or above its bound (admission control).
 * The API answers 429 with `Retry-After`, and `details` names the backlog, its count and
 * its bound.
 */
export class SagaStartRefusedError extends RequestRefusedError {
  readonly code = 'SAGA_START_REFUSED';
  readonly reason: Exclude<RefusalReason, 'starting'>;
  readonly count: number;
  readonly bound: number;

  constructor(
    reason: Exclude<RefusalReason, 'starting'>,
    count: number,
    bound: number,
    retryAfterSeconds: number,
  ) {
    super(
      `the orchestrator is overloaded: ${count} ${BACKLOG_NAMES[reason]} (bound ${bound}); no new saga was started, try again later`,
      retryAfterSeconds,
      { reason, count, bound },
    );
    this.reason = reason;
    this.count = count;
    this.bound = bound;
  }
}

/**
 * A `GET /events/stream` refused because as many streams as the instance allows are open
 * (`eventStream.maxClients`). The API answers 503 with `Retry-After`; another instance
 * may have room.
 */
export class StreamLimitReachedError extends RequestRefusedError {
  readonly code = 'STREAM_LIMIT_REACHED';
  readonly limit: number;

  constructor(limit: number, retryAfterSeconds: number) {
    super(
      `this instance serves ${limit} event streams already (its limit); try again later`,
      retryAfterSeconds,
      { limit },
    );
    this.limit = limit;
  }
}

/**
 * The instance is shutting down: a request that was still being set up when it began
 * (an event stream joining) is answered 503 with `Retry-After`; another instance, or this
 * one restarted, serves it.
 */
export class ServiceStoppingError extends RequestRefusedError {
  readonly code = 'SERVICE_STOPPING';

  constructor(retryAfterSeconds: number) {
    super('the orchestrator is shutting down; try again shortly', retryAfterSeconds, {});
  }
}

/**
 * The error the API answers a refusal with: {@link ServiceStartingError} while starting,
 * {@link SagaStartRefusedError} for a backlog over its bound.
 *
 * @example
 * ```ts
 * const decision = await admission.admitStart();
 * if (!decision.admitted) throw refusalError(decision);
 * ```
 */
export function refusalError(
  decision: Extract<AdmissionDecision, { admitted: false }>,
): RequestRefusedError {
  const { reason, retryAfterSeconds, count, bound } = decision;
  return reason === 'starting'
    ? new ServiceStartingError(retryAfterSeconds)
    : new SagaStartRefusedError(reason, count ?? 0, bound ?? 0, retryAfterSeconds);
}

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
