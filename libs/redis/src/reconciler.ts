import {
  checkOptions,
  type Clock,
  describeError,
  type EventProcessRecord,
  isPositiveInteger,
  type Logger,
  noopLogger,
  notifyObserver,
  type SagaState,
  type SagaStateCache,
  systemClock,
} from '@sagaflow/core';

import { ReconciliationError, RedisCacheError } from './errors';
import {
  type EventProcessSource,
  type SagaStateSource,
  type SagaVersion,
} from './reconciliation-sources';
import {
  type RedisEventProcessCache,
  type ScannedEventProcessEntry,
} from './redis-event-process-cache';

/** What one reconciliation pass did; every count is a metric. */
export interface ReconciliationReport {
  /** Cached saga states overwritten with MySQL's, filled in, or deleted. */
  readonly sagaRepairs: number;
  /** Cached EventProcess statuses set to MySQL's, or deleted. */
  readonly eventProcessRepairs: number;
  /** Stale RECEIVED / PROCESSING EventProcess records handed to `requeue`. */
  readonly requeued: number;
  /**
   * Pending timers of idle active sagas handed to `rearm` (scheduling is idempotent per
   * timer id, so timers that still exist are left as they are).
   */
  readonly timersRearmed: number;
  /** Failures of this pass (0 when it succeeded). */
  readonly failures: number;
  readonly durationMs: number;
}

/** Hooks for metrics. A hook that throws is logged and changes nothing. */
export interface ReconcilerObserver {
  /** After every pass, including one that failed in part (`report.failures > 0`). */
  onReconciled?(report: ReconciliationReport): void;
}

/**
 * Options of {@link Reconciler}. Each part runs when its ports are given: the orchestrator
 * passes all of them, a participant only the EventProcess ones.
 */
export interface ReconcilerOptions {
  /** The saga state cache to repair; needs `sagaSource`. @defaultValue none: not checked */
  readonly stateCache?: SagaStateCache;
  /** Sagas as MySQL has them; needed by `stateCache` and `rearm`. @defaultValue none */
  readonly sagaSource?: SagaStateSource;
  /**
   * Schedules a saga's `pendingTimers` again: the engine's `rearmTimers`. Called for
   * active sagas not updated for `rearmAfterMs` (their timers may have been lost with
   * Redis); needs `sagaSource`. @defaultValue none: timers are not re-armed
   */
  readonly rearm?: (state: SagaState) => Promise<void>;
  /** The EventProcess status cache to repair; needs `eventProcessSource`. @defaultValue none */
  readonly eventProcessCache?: RedisEventProcessCache;
  /**
   * EventProcess records as MySQL has them: the MySQL EventProcess table itself, not the cached one.
   * Needed by `eventProcessCache` and `requeue`. @defaultValue none
   */
  readonly eventProcessSource?: EventProcessSource;
  /**
   * Hands stale RECEIVED / PROCESSING records back to the worker pool: the pool's
   * `requeue`; needs `eventProcessSource`. @defaultValue none: stale records are not requeued
   */
  readonly requeue?: (records: readonly EventProcessRecord[]) => Promise<void>;
  /**
   * Sagas updated this recently get their cache entry checked. Keep it below the state
   * cache's TTL, or expired entries are counted as repairs.
   * @defaultValue `600_000` (10 min)
   */
  readonly sagaWindowMs?: number;
  /** Most sagas checked per pass. @defaultValue `1000` */
  readonly maxSagaChecks?: number;
  /**
   * Most cached EventProcess entries checked per pass; the scan resumes where the previous
   * pass stopped, so successive passes go round the whole cache. @defaultValue `1000`
   */
  readonly maxEventProcessChecks?: number;
  /** The `COUNT` hint of each `SCAN` step. @defaultValue `100` */
  readonly scanCount?: number;
  /**
   * A RECEIVED or PROCESSING record not updated for this long is requeued. Keep it at
   * least the worker pool's lease, or records still being processed are requeued (the
   * claim's lease makes that harmless, but wasteful). @defaultValue `60_000`
   */
  readonly staleEventProcessAfterMs?: number;
  /** Most records requeued per pass. @defaultValue `1000` */
  readonly maxRequeue?: number;
  /** Active sagas not updated for this long get their timers re-armed. @defaultValue `60_000` */
  readonly rearmAfterMs?: number;
  /** Most sagas re-armed per pass. @defaultValue `1000` */
  readonly maxRearm?: number;
  /** How many checks of one part run at once. @defaultValue `16` */
  readonly parallelism?: number;
  /** The time windows are measured from. @defaultValue the system clock */
  readonly clock?: Clock;
  /** Logs each pass (info) and each failure (warn). @defaultValue `noopLogger` */
  readonly logger?: Logger;
  /** Hooks for metrics. @defaultValue none */
  readonly observer?: ReconcilerObserver;
}

type Resolved = Required<
  Pick<
    ReconcilerOptions,
    | 'sagaWindowMs'
    | 'maxSagaChecks'
    | 'maxEventProcessChecks'
    | 'scanCount'
    | 'staleEventProcessAfterMs'
    | 'maxRequeue'
    | 'rearmAfterMs'
    | 'maxRearm'
    | 'parallelism'
    | 'clock'
    | 'logger'
    | 'observer'
  >
> &
  Pick<
    ReconcilerOptions,
    'stateCache' | 'sagaSource' | 'rearm' | 'eventProcessCache' | 'eventProcessSource' | 'requeue'
  >;

/**
 * Repairs drift between the Redis caches and MySQL, the source of truth, and restores what
 * a Redis loss took away. One {@link run} is one pass:
 *
 * 1. sagas updated in the last `sagaWindowMs`: a cache entry with another version than
 *    MySQL's, or none, is overwritten with MySQL's state (or deleted if MySQL has no saga);
 * 2. cached EventProcess statuses (a `SCAN`, resumed pass after pass): one that differs
 *    from MySQL's is set to it, one MySQL does not know is deleted — each only if the entry
 *    did not change meanwhile;
 * 3. stale RECEIVED / PROCESSING records go to `requeue`;
 * 4. active sagas idle for `rearmAfterMs` go to `rearm` (their timers are scheduled again).
 *
 * Every repair is counted in the {@link ReconciliationReport}. Parts fail independently; a
 * pass with failures throws a {@link ReconciliationError} that carries the report.
 *
 * @example
 * ```ts
 * const reconciler = new Reconciler({
 *   stateCache, sagaSource, rearm: (state) => engine.rearmTimers(state),
 *   eventProcessCache, eventProcessSource: mySqlEventProcess, requeue: (records) => pool.requeue(records),
 *   logger, observer: { onReconciled: (report) => repairs.inc(report.sagaRepairs) },
 * });
 * recurringJobs.register('reconcile', 30_000, () => reconciler.run());
 * ```
 */
export class Reconciler {
  readonly #options: Resolved;
  /** Where the EventProcess scan resumes. */
  #scanCursor = '0';

  constructor(options: ReconcilerOptions) {
    this.#options = resolveReconcilerOptions(options);
  }

  /** One reconciliation pass. @throws ReconciliationError when a part of it failed. */
  async run(): Promise<ReconciliationReport> {
    const startedMs = performance.now();
    const now = this.#options.clock.now().getTime();
    const failures: unknown[] = [];
    const sagaRepairs = await this.#part('saga-state', failures, () =>
      this.#repairSagaStates(now, failures),
    );
    const eventProcessRepairs = await this.#part('event-process', failures, () =>
      this.#repairEventProcesses(failures),
    );
    const requeued = await this.#part('requeue', failures, () => this.#requeueStale(now));
    const timersRearmed = await this.#part('rearm', failures, () => this.#rearmIdle(now, failures));
    const report: ReconciliationReport = {
      sagaRepairs,
      eventProcessRepairs,
      requeued,
      timersRearmed,
      failures: failures.length,
      durationMs: Math.round(performance.now() - startedMs),
    };
    const { logger, observer } = this.#options;
    if (failures.length === 0) logger.info('reconciliation pass done', { ...report });
    else logger.error('reconciliation pass done with failures', { ...report });
    notifyObserver(observer, 'onReconciled', report, { logger, component: 'reconciler' });
    if (failures.length > 0) {
      throw new ReconciliationError(report, failures.length, {
        cause: new AggregateError(failures, 'reconciliation failures'),
      });
    }
    return report;
  }

  async #repairSagaStates(now: number, failures: unknown[]): Promise<number> {
    const { stateCache, sagaSource, sagaWindowMs, maxSagaChecks } = this.#options;
    if (stateCache === undefined || sagaSource === undefined) return 0;
    const recent = await sagaSource.listRecentlyUpdated(
      new Date(now - sagaWindowMs),
      maxSagaChecks,
    );
    return this.#each('saga-state', recent, failures, (saga) =>
      this.#repairSagaState(stateCache, sagaSource, saga),
    );
  }

  /**
   * The cache is read before MySQL: the engine caches a version only after committing it,
   * so a cached version above MySQL's fresh one cannot be a write in flight — it is wrong.
   */
  async #repairSagaState(
    cache: SagaStateCache,
    source: SagaStateSource,
    saga: SagaVersion,
  ): Promise<number> {
    const cached = await cache.get(saga.sagaId).catch((error: unknown) => {
      if (!(error instanceof RedisCacheError && error.reason === 'unreadable')) throw error;
      this.#options.logger.warn('unreadable cached saga state; replacing it', {
        sagaId: saga.sagaId,
      });
      return 'unreadable' as const;
    });
    const cachedVersion = cached === 'unreadable' ? null : (cached?.version ?? null);
    if (cachedVersion === saga.version) return 0;
    const fresh = await source.loadState(saga.sagaId);
    if (fresh === null) {
      if (cached === null) return 0;
      await cache.delete(saga.sagaId);
      return 1;
    }
    if (cachedVersion === fresh.version) return 0;
    if (cached === 'unreadable' || (cachedVersion !== null && cachedVersion > fresh.version)) {
      await cache.delete(saga.sagaId);
    }
    // Compare-and-set: a newer state the engine cached meanwhile is kept.
    await cache.set(fresh);
    return 1;
  }

  async #repairEventProcesses(failures: unknown[]): Promise<number> {
    const { eventProcessCache, eventProcessSource, maxEventProcessChecks, scanCount } =
      this.#options;
    if (eventProcessCache === undefined || eventProcessSource === undefined) return 0;
    let checked = 0;
    let repairs = 0;
    do {
      const { cursor, entries } = await eventProcessCache.scan(this.#scanCursor, scanCount);
      this.#scanCursor = cursor;
      checked += entries.length;
      repairs += await this.#each('event-process', entries, failures, (entry) =>
        this.#repairEventProcess(eventProcessCache, eventProcessSource, entry),
      );
    } while (this.#scanCursor !== '0' && checked < maxEventProcessChecks);
    return repairs;
  }

  async #repairEventProcess(
    cache: RedisEventProcessCache,
    source: EventProcessSource,
    entry: ScannedEventProcessEntry,
  ): Promise<number> {
    if (entry.value === null) return 0;
    const record = await source.get(entry.consumer, entry.messageId);
    const truth = record?.status ?? null;
    if (truth === entry.value) return 0;
    return (await cache.replaceIf(entry, entry.value, truth)) ? 1 : 0;
  }

  async #requeueStale(now: number): Promise<number> {
    const { eventProcessSource, requeue, staleEventProcessAfterMs, maxRequeue } = this.#options;
    if (eventProcessSource === undefined || requeue === undefined) return 0;
    const stale = await eventProcessSource.findStale(
      new Date(now - staleEventProcessAfterMs),
      maxRequeue,
    );
    if (stale.length > 0) await requeue(stale);
    return stale.length;
  }

  async #rearmIdle(now: number, failures: unknown[]): Promise<number> {
    const { sagaSource, rearm, rearmAfterMs, maxRearm } = this.#options;
    if (sagaSource === undefined || rearm === undefined) return 0;
    const idle = await sagaSource.listActiveNotUpdatedSince(new Date(now - rearmAfterMs), maxRearm);
    const withTimers = idle.filter((state) => state.pendingTimers.length > 0);
    return this.#each('rearm', withTimers, failures, async (state) => {
      await rearm(state);
      return state.pendingTimers.length;
    });
  }

  /** Runs a part; a failure of the part as a whole is recorded and counts 0. */
  async #part(name: string, failures: unknown[], body: () => Promise<number>): Promise<number> {
    try {
      return await body();
    } catch (error: unknown) {
      this.#recordFailure(name, error, failures, {});
      return 0;
    }
  }

  /**
   * Applies `check` to every item, `parallelism` at a time, and sums what they return; an
   * item that fails is recorded and the others go on.
   */
  async #each<T>(
    part: string,
    items: readonly T[],
    failures: unknown[],
    check: (item: T) => Promise<number>,
  ): Promise<number> {
    let total = 0;
    for (let start = 0; start < items.length; start += this.#options.parallelism) {
      const chunk = items.slice(start, start + this.#options.parallelism);
      const results = await Promise.allSettled(chunk.map((item) => check(item)));
      results.forEach((result, i) => {
        if (result.status === 'fulfilled') total += result.value;
        else this.#recordFailure(part, result.reason, failures, describeItem(chunk[i]));
      });
    }
    return total;
  }

  #recordFailure(part: string, error: unknown, failures: unknown[], fields: object): void {
    failures.push(error);
    this.#options.logger.warn('reconciliation step failed', {
      part,
      ...fields,
      error: describeError(error),
    });
  }
}

/** The ids of a checked item, for the log line of its failure. */
function describeItem(item: unknown): object {
  if (typeof item !== 'object' || item === null) return {};
  const { sagaId, consumer, messageId } = item as Record<string, unknown>;
  return { sagaId, consumer, messageId };
}

/**
 * Applies the defaults of {@link ReconcilerOptions} and validates them.
 * @throws InvalidArgumentError naming every bad field.
 */
function resolveReconcilerOptions(options: ReconcilerOptions): Resolved {
  const resolved = {
    ...options,
    sagaWindowMs: options.sagaWindowMs ?? 600_000,
    maxSagaChecks: options.maxSagaChecks ?? 1000,
    maxEventProcessChecks: options.maxEventProcessChecks ?? 1000,
    scanCount: options.scanCount ?? 100,
    staleEventProcessAfterMs: options.staleEventProcessAfterMs ?? 60_000,
    maxRequeue: options.maxRequeue ?? 1000,
    rearmAfterMs: options.rearmAfterMs ?? 60_000,
    maxRearm: options.maxRearm ?? 1000,
    parallelism: options.parallelism ?? 16,
    clock: options.clock ?? systemClock,
    logger: options.logger ?? noopLogger,
    observer: options.observer ?? {},
  };
  const { sagaSource, eventProcessSource } = options;
  const positive = [
    'sagaWindowMs',
    'maxSagaChecks',
    'maxEventProcessChecks',
    'scanCount',
    'staleEventProcessAfterMs',
    'maxRequeue',
    'rearmAfterMs',
    'maxRearm',
    'parallelism',
  ] as const;
  checkOptions('Reconciler', [
    ...positive.map(
      (field) =>
        [field, resolved[field], isPositiveInteger(resolved[field]), 'an integer > 0'] as const,
    ),
    [
      'stateCache',
      '[SagaStateCache]',
      options.stateCache === undefined || sagaSource !== undefined,
      'given together with sagaSource',
    ],
    [
      'rearm',
      '[function]',
      options.rearm === undefined || sagaSource !== undefined,
      'given together with sagaSource',
    ],
    [
      'eventProcessCache',
      '[RedisEventProcessCache]',
      options.eventProcessCache === undefined || eventProcessSource !== undefined,
      'given together with eventProcessSource',
    ],
    [
      'requeue',
      '[function]',
      options.requeue === undefined || eventProcessSource !== undefined,
      'given together with eventProcessSource',
    ],
    [
      'options',
      '{}',
      [options.stateCache, options.rearm, options.eventProcessCache, options.requeue].some(
        (part) => part !== undefined,
      ),
      'at least one of stateCache, rearm, eventProcessCache or requeue',
    ],
  ]);
  return resolved;
}
