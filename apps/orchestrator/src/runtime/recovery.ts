import {
  describeError,
  type EventProcessStore,
  type EventProcessRecord,
  type Logger,
  type SagaState,
} from '@sagaflow/core';
import { type SagaQueries } from '@sagaflow/mysql';

/** What {@link recoverInFlight} works on. */
export interface RecoveryDeps {
  /** Active sagas with their full state (`SagaQueries`). */
  readonly sagas: Pick<SagaQueries, 'listActive'>;
  /** Schedules a saga's pending timers again: the engine's `rearmTimers` (idempotent). */
  readonly rearm: (state: SagaState) => Promise<void>;
  /** The MySQL EventProcess table (not the cached one): MySQL knows which records are stale. */
  readonly eventProcess: Pick<EventProcessStore, 'findStale'>;
  /** Hands stale records back to the worker pool: the pool's `requeue`. */
  readonly requeue: (records: readonly EventProcessRecord[]) => Promise<void>;
  /** The instant recovery looks from: sagas changed before it, leases expired by it. */
  readonly now: Date;
  /** A RECEIVED or PROCESSING record not updated for this long has lost its worker. */
  readonly leaseMs: number;
  readonly logger: Logger;
}

/** What {@link recoverInFlight} did; logged at start-up. */
export interface RecoveryReport {
  /** Active sagas whose pending timers were scheduled again. */
  readonly sagasRearmed: number;
  /** Timers scheduled again (the ones that still existed are left as they are). */
  readonly timersRearmed: number;
  /** Sagas whose timers could not be scheduled; reconciliation re-arms them later. */
  readonly rearmFailures: number;
  /** Stale RECEIVED / PROCESSING records handed back to the worker pool. */
  readonly eventProcessRequeued: number;
}

/** Active sagas read per query. */
const PAGE_SIZE = 500;
/** Sagas re-armed at once. */
const PARALLELISM = 16;
/** Stale records requeued at start-up; reconciliation takes the rest. */
const MAX_REQUEUE = 1000;

/**
 * The start-up half of "resume what was in flight" (the relay's first pass publishes the
 * outbox): every active saga gets its pending timers scheduled again — a crash between a
 * commit and its timers, or a Redis loss, may have lost them, and scheduling is idempotent
 * per timer id — and EventProcess records whose lease expired go back to the worker pool.
 * Safe with other instances running: they do the same, and both steps are idempotent.
 *
 * A saga whose timers cannot be scheduled is logged and counted, not fatal: the
 * reconciliation job re-arms idle sagas again.
 *
 * @example
 * ```ts
 * const report = await recoverInFlight({ sagas, rearm, eventProcess, requeue, now, leaseMs, logger });
 * ```
 */
export async function recoverInFlight(deps: RecoveryDeps): Promise<RecoveryReport> {
  let sagasRearmed = 0;
  let timersRearmed = 0;
  let rearmFailures = 0;
  let cursor: string | undefined;
  do {
    const page = await deps.sagas.listActive({
      notUpdatedSince: deps.now,
      limit: PAGE_SIZE,
      ...(cursor === undefined ? {} : { cursor }),
    });
    const withTimers = page.items.filter((state) => state.pendingTimers.length > 0);
    for (let start = 0; start < withTimers.length; start += PARALLELISM) {
      const chunk = withTimers.slice(start, start + PARALLELISM);
      const results = await Promise.allSettled(chunk.map((state) => deps.rearm(state)));
      results.forEach((result, i) => {
        const state = chunk[i];
        if (state === undefined) return;
        if (result.status === 'fulfilled') {
          sagasRearmed += 1;
          timersRearmed += state.pendingTimers.length;
        } else {
          rearmFailures += 1;
          deps.logger.warn('could not re-arm the timers of a saga; reconciliation retries', {
            sagaId: state.sagaId,
            error: describeError(result.reason),
          });
        }
      });
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);

  const stale = await deps.eventProcess.findStale(
    new Date(deps.now.getTime() - deps.leaseMs),
    MAX_REQUEUE,
  );
  if (stale.length > 0) await deps.requeue(stale);
  return { sagasRearmed, timersRearmed, rearmFailures, eventProcessRequeued: stale.length };
}
