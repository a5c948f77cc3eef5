import { SagaflowError } from '@sagaflow/core';

import { type AdmissionDecision, type RefusalReason } from '../ports/admission-port';

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
