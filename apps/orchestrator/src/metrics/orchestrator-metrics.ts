import { type Direction, errorMessage } from '@sagaflow/core';
import { type MetricsRegistry } from '@sagaflow/observability';
import { Counter, Gauge, Histogram, type LabelValues, type Registry } from 'prom-client';

import {
  DECISION_DURATION_BUCKETS_SECONDS,
  HTTP_REQUEST_DURATION_BUCKETS_SECONDS,
  type OrchestratorMetricsOptions,
  OUTBOX_PUBLISH_BUCKETS_SECONDS,
  RECONCILIATION_BUCKETS_SECONDS,
  type ResolvedOrchestratorMetricsOptions,
  resolveOrchestratorMetricsOptions,
} from './orchestrator-metrics-options';

/** How a reply was applied: its outcome, or `ignored` (duplicate, stale, late). */
export type ReplyOutcome = 'success' | 'business' | 'technical' | 'invalid-reply' | 'ignored';

/** What one reconciliation pass repaired (a `ReconciliationReport` of `@sagaflow/redis` fits). */
export interface ReconciliationRepairs {
  /** Cached saga states overwritten, filled in or deleted. */
  readonly sagaRepairs: number;
  /** Cached EventProcess statuses corrected or deleted. */
  readonly eventProcessRepairs: number;
  /** Stale RECEIVED / PROCESSING records enqueued again. */
  readonly requeued: number;
  /** Pending timers of idle sagas scheduled again. */
  readonly timersRearmed: number;
  /** Failures of the pass. @defaultValue 0 */
  readonly failures?: number;
  /** How long the pass took. @defaultValue not observed */
  readonly durationMs?: number;
}

/** The repair kinds of {@link ReconciliationRepairs}, as `kind` label values. */
const REPAIR_KINDS = {
  sagaRepairs: 'saga_state',
  eventProcessRepairs: 'event_process',
  requeued: 'requeued',
  timersRearmed: 'timers_rearmed',
} as const satisfies Record<string, string>;

/**
 * The orchestrator's Prometheus metrics, on one registry, named `<prefix>…` with `_total`
 * counters and `_seconds` histograms. The engine's share is fed by {@link metricsObserver};
 * consumers, relay, cache and reconciliation call the `record…` methods.
 *
 * | metric | type | labels |
 * | --- | --- | --- |
 * | `sagas_started_total` | counter | `saga_type` |
 * | `sagas_ended_total` | counter | `saga_type`, `status` (COMPLETED, COMPENSATED) |
 * | `sagas_parked_total` | counter | `saga_type` (reached COMPENSATION_FAILED) |
 * | `saga_duration_seconds` | histogram | `saga_type`, `status` (start to end) |
 * | `saga_starts_deduplicated_total` | counter | `saga_type` (start with a known business key) |
 * | `decisions_total` | counter | `saga_type`, `input` (start, reply, timer, operator) |
 * | `decision_duration_seconds` | histogram | `input` |
 * | `commands_dispatched_total` | counter | `participant`, `command`, `direction` |
 * | `replies_total` | counter | `outcome` ({@link ReplyOutcome}) |
 * | `inputs_ignored_total` | counter | `input` (reply, timer), `reason` |
 * | `optimistic_lock_conflicts_total` | counter | `saga_type` |
 * | `timer_scheduling_errors_total` | counter | |
 * | `cache_requests_total` | counter | `cache` (saga-state, event-process), `result` (hit, miss) |
 * | `cache_errors_total` | counter | `cache`, `operation` |
 * | `duplicates_discarded_total` | counter | `consumer` |
 * | `dead_letters_total` | counter | `consumer`, `reason` |
 * | `outbox_published_messages_total` | counter | |
 * | `outbox_publish_duration_seconds` | histogram | (one batch) |
 * | `reconciliation_repairs_total` | counter | `kind` (saga_state, event_process, requeued, timers_rearmed) |
 * | `reconciliation_failures_total` | counter | |
 * | `reconciliation_duration_seconds` | histogram | (one pass) |
 * | `saga_starts_refused_total` | counter | `reason` (pending-replies, in-flight-sagas: admission control) |
 * | `rows_purged_total` | counter | `table` (outbox, event_process: finished rows past the retention) |
 * | `outbox_pending_messages` | gauge (callback) | |
 * | `event_process_failed_messages` | gauge (callback) | |
 * | `event_process_pending_messages` | gauge (callback) | (RECEIVED or PROCESSING: the backlog admission control bounds) |
 * | `sagas_in_flight` | gauge (callback) | (RUNNING or COMPENSATING) |
 * | `sagas` | gauge (callback) | `saga_type`, `status` (every saga in the store) |
 * | `oldest_active_saga_age_seconds` | gauge (callback) | (oldest RUNNING or COMPENSATING saga; 0 when none) |
 * | `outbox_lag_seconds` | gauge (callback) | (oldest unpublished outbox message; 0 when none) |
 * | `consumer_lag_messages` | gauge (callback) | `group`, `topic`, `partition` |
 * | `http_requests_total` | counter | `method`, `route` (the route pattern, or `unmatched`), `status_code` |
 * | `http_request_duration_seconds` | histogram | `method`, `route`, `status_code` |
 *
 * Gauges read their source at each scrape, waiting `gaugeReadTimeoutMs` at most: a count
 * reads NaN when its source fails or is late, a labelled gauge (`sagas`,
 * `consumer_lag_messages`) keeps its last values; either is logged at warn.
 */
export class OrchestratorMetrics {
  readonly sagasStarted: Counter<'saga_type'>;
  readonly sagasEnded: Counter<'saga_type' | 'status'>;
  readonly sagasParked: Counter<'saga_type'>;
  readonly sagaDuration: Histogram<'saga_type' | 'status'>;
  readonly startsDeduplicated: Counter<'saga_type'>;
  readonly decisions: Counter<'saga_type' | 'input'>;
  readonly decisionDuration: Histogram<'input'>;
  readonly commandsDispatched: Counter<'participant' | 'command' | 'direction'>;
  readonly replies: Counter<'outcome'>;
  readonly inputsIgnored: Counter<'input' | 'reason'>;
  readonly optimisticLockConflicts: Counter<'saga_type'>;
  readonly timerSchedulingErrors: Counter;
  readonly cacheRequests: Counter<'cache' | 'result'>;
  readonly cacheErrors: Counter<'cache' | 'operation'>;
  readonly duplicatesDiscarded: Counter<'consumer'>;
  readonly deadLetters: Counter<'consumer' | 'reason'>;
  readonly outboxPublished: Counter;
  readonly outboxPublishDuration: Histogram;
  readonly reconciliationRepairs: Counter<'kind'>;
  readonly reconciliationFailures: Counter;
  readonly reconciliationDuration: Histogram;
  readonly startsRefused: Counter<'reason'>;
  readonly rowsPurged: Counter<'table'>;
  /** Null when no `outboxPending` callback was given. */
  readonly outboxPending: Gauge | null;
  /** Null when no `eventProcessFailed` callback was given. */
  readonly eventProcessFailed: Gauge | null;
  /** Null when no `eventProcessPending` callback was given. */
  readonly eventProcessPending: Gauge | null;
  /** Null when no `sagasInFlight` callback was given. */
  readonly sagasInFlight: Gauge | null;
  /** Null when no `sagaCounts` callback was given. */
  readonly sagas: Gauge<'saga_type' | 'status'> | null;
  /** Null when no `oldestActiveSagaStartedAt` callback was given. */
  readonly oldestActiveSagaAge: Gauge | null;
  /** Null when no `outboxOldestPendingCreatedAt` callback was given. */
  readonly outboxLag: Gauge | null;
  /** Null when no `consumerLag` callback was given. */
  readonly consumerLag: Gauge<'group' | 'topic' | 'partition'> | null;
  readonly httpRequests: Counter<'method' | 'route' | 'status_code'>;
  readonly httpRequestDuration: Histogram<'method' | 'route' | 'status_code'>;

  /** @internal Use {@link createOrchestratorMetrics}. */
  constructor(metricsRegistry: MetricsRegistry, options: ResolvedOrchestratorMetricsOptions) {
    const { registry, prefix } = metricsRegistry;
    const registers: Registry[] = [registry];
    const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
      new Counter<L>({ name: `${prefix}${name}`, help, labelNames, registers });
    const histogram = <L extends string>(
      name: string,
      help: string,
      labelNames: readonly L[],
      buckets: readonly number[],
    ) =>
      new Histogram<L>({
        name: `${prefix}${name}`,
        help,
        labelNames,
        buckets: [...buckets],
        registers,
      });
    const { logger, clock, gaugeReadTimeoutMs } = options;
    const sourceFailed = (name: string, error: unknown, keptLastValues: boolean) => {
      logger.warn('metric source failed', {
        metric: `${prefix}${name}`,
        error: errorMessage(error),
        ...(keptLastValues ? { keptLastValues } : {}),
      });
    };
    const gauge = (name: string, help: string, read: (() => Promise<number>) | null) => {
      if (read === null) return null;
      return new Gauge({
        name: `${prefix}${name}`,
        help,
        registers,
        async collect() {
          try {
            this.set(await within(read(), gaugeReadTimeoutMs));
          } catch (error: unknown) {
            // A scrape must not fail because one source is down: this gauge reads NaN.
            this.set(Number.NaN);
            sourceFailed(name, error, false);
          }
        },
      });
    };
    /** A gauge of the age in seconds of what `read` dates; 0 when it finds nothing. */
    const ageGauge = (name: string, help: string, read: (() => Promise<Date | null>) | null) =>
      gauge(
        name,
        help,
        read === null
          ? null
          : async () => {
              const at = await read();
              return at === null ? 0 : Math.max(0, clock.now().getTime() - at.getTime()) / 1000;
            },
      );
    /** A gauge whose samples are all replaced at each scrape that reads them. */
    const labelledGauge = <L extends string>(
      name: string,
      help: string,
      labelNames: readonly L[],
      read: (() => Promise<readonly (readonly [LabelValues<L>, number])[]>) | null,
    ) => {
      if (read === null) return null;
      return new Gauge<L>({
        name: `${prefix}${name}`,
        help,
        labelNames,
        registers,
        async collect() {
          try {
            const samples = await within(read(), gaugeReadTimeoutMs);
            // Replaced, not merged: a label set gone from the source (a partition, a saga
            // type) leaves the gauge.
            this.reset();
            for (const [labels, value] of samples) this.set(labels, value);
          } catch (error: unknown) {
            // Its last values stay: one failed read says nothing about them.
            sourceFailed(name, error, true);
          }
        },
      });
    };

    this.sagasStarted = counter('sagas_started_total', 'Sagas started.', ['saga_type']);
    this.sagasEnded = counter('sagas_ended_total', 'Sagas that reached a terminal status.', [
      'saga_type',
      'status',
    ]);
    this.sagasParked = counter(
      'sagas_parked_total',
      'Sagas parked in COMPENSATION_FAILED for an operator.',
      ['saga_type'],
    );
    this.sagaDuration = histogram(
      'saga_duration_seconds',
      'Time from a saga start to its terminal status.',
      ['saga_type', 'status'],
      options.sagaDurationBuckets,
    );
    this.startsDeduplicated = counter(
      'saga_starts_deduplicated_total',
      'Starts that found their saga already there (same business key or saga id).',
      ['saga_type'],
    );
    this.decisions = counter('decisions_total', 'Decisions committed by the engine.', [
      'saga_type',
      'input',
    ]);
    this.decisionDuration = histogram(
      'decision_duration_seconds',
      'Time from loading a saga to committing the decision (conflict retries included).',
      ['input'],
      DECISION_DURATION_BUCKETS_SECONDS,
    );
    this.commandsDispatched = counter('commands_dispatched_total', 'Commands put in the outbox.', [
      'participant',
      'command',
      'direction',
    ]);
    this.replies = counter('replies_total', 'Participant replies applied by the engine.', [
      'outcome',
    ]);
    this.inputsIgnored = counter(
      'inputs_ignored_total',
      'Replies and timers recorded as ignored (duplicate, stale, late).',
      ['input', 'reason'],
    );
    this.optimisticLockConflicts = counter(
      'optimistic_lock_conflicts_total',
      'Appends that lost the optimistic lock to another writer.',
      ['saga_type'],
    );
    this.timerSchedulingErrors = counter(
      'timer_scheduling_errors_total',
      'Commits whose timers could not be set (recovery re-arms them).',
      [],
    );
    this.cacheRequests = counter('cache_requests_total', 'Cache lookups by result.', [
      'cache',
      'result',
    ]);
    this.cacheErrors = counter(
      'cache_errors_total',
      'Cache operations that failed (treated as misses).',
      ['cache', 'operation'],
    );
    this.duplicatesDiscarded = counter(
      'duplicates_discarded_total',
      'Consumed messages discarded as duplicates by the EventProcess table.',
      ['consumer'],
    );
    this.deadLetters = counter('dead_letters_total', 'Messages sent to the dead-letter table.', [
      'consumer',
      'reason',
    ]);
    this.outboxPublished = counter(
      'outbox_published_messages_total',
      'Outbox messages published to Kafka.',
      [],
    );
    this.outboxPublishDuration = histogram(
      'outbox_publish_duration_seconds',
      'Time to publish one outbox batch as one Kafka transaction.',
      [],
      OUTBOX_PUBLISH_BUCKETS_SECONDS,
    );
    this.reconciliationRepairs = counter(
      'reconciliation_repairs_total',
      'Drift repaired by reconciliation, by kind.',
      ['kind'],
    );
    this.reconciliationFailures = counter(
      'reconciliation_failures_total',
      'Failures of reconciliation passes.',
      [],
    );
    this.reconciliationDuration = histogram(
      'reconciliation_duration_seconds',
      'Time one reconciliation pass took.',
      [],
      RECONCILIATION_BUCKETS_SECONDS,
    );
    this.startsRefused = counter(
      'saga_starts_refused_total',
      'Saga starts refused by admission control (HTTP 429), by the backlog over its bound.',
      ['reason'],
    );
    this.rowsPurged = counter(
      'rows_purged_total',
      'Finished rows deleted by the purge once past the retention, by table.',
      ['table'],
    );
    this.outboxPending = gauge(
      'outbox_pending_messages',
      'Outbox messages not published yet.',
      options.outboxPending,
    );
    this.eventProcessFailed = gauge(
      'event_process_failed_messages',
      'EventProcess records in status FAILED.',
      options.eventProcessFailed,
    );
    this.eventProcessPending = gauge(
      'event_process_pending_messages',
      'EventProcess records RECEIVED or PROCESSING: replies not applied yet.',
      options.eventProcessPending,
    );
    this.sagasInFlight = gauge(
      'sagas_in_flight',
      'Sagas RUNNING or COMPENSATING.',
      options.sagasInFlight,
    );
    const { sagaCounts, consumerLag } = options;
    this.sagas = labelledGauge(
      'sagas',
      'Sagas in the store by type and status (parked now: status COMPENSATION_FAILED).',
      ['saga_type', 'status'],
      sagaCounts === null
        ? null
        : async () =>
            Object.entries((await sagaCounts()).byType).flatMap(([sagaType, byStatus]) =>
              Object.entries(byStatus).map(
                ([status, count]) => [{ saga_type: sagaType, status }, count] as const,
              ),
            ),
    );
    this.oldestActiveSagaAge = ageGauge(
      'oldest_active_saga_age_seconds',
      'Age of the oldest saga RUNNING or COMPENSATING, since its start; 0 when none.',
      options.oldestActiveSagaStartedAt,
    );
    this.outboxLag = ageGauge(
      'outbox_lag_seconds',
      'Age of the oldest unpublished outbox message; 0 when every message is published.',
      options.outboxOldestPendingCreatedAt,
    );
    this.consumerLag = labelledGauge(
      'consumer_lag_messages',
      'Records of a partition not consumed yet by a consumer group (high watermark − committed offset).',
      ['group', 'topic', 'partition'],
      consumerLag === null
        ? null
        : async () =>
            (await consumerLag()).map(
              ({ groupId, topic, partition, lag }) =>
                [{ group: groupId, topic, partition }, lag] as const,
            ),
    );
    this.httpRequests = counter(
      'http_requests_total',
      'HTTP API requests answered, by route pattern (unmatched: no route) and status code.',
      ['method', 'route', 'status_code'],
    );
    this.httpRequestDuration = histogram(
      'http_request_duration_seconds',
      'Time from an HTTP API request to its response being sent.',
      ['method', 'route', 'status_code'],
      HTTP_REQUEST_DURATION_BUCKETS_SECONDS,
    );
  }

  /**
   * The HTTP API answered a request: `route` is the route pattern (`/sagas/:sagaId`), or
   * `unmatched`, so that the labels stay few whatever the URLs asked.
   */
  recordHttpRequest(method: string, route: string, statusCode: number, durationMs: number): void {
    const labels = { method, route, status_code: String(statusCode) };
    this.httpRequests.inc(labels);
    if (Number.isFinite(durationMs) && durationMs >= 0) {
      this.httpRequestDuration.observe(labels, durationMs / 1000);
    }
  }

  /** Admission control refused a saga start: a backlog (`reason`) was over its bound. */
  recordStartRefused(reason: string): void {
    this.startsRefused.inc({ reason });
  }

  /** The purge deleted `count` finished rows of `table` (`outbox`, `event_process`). */
  recordPurged(table: string, count: number): void {
    if (isCount(count)) this.rowsPurged.inc({ table }, count);
  }

  /** A consumer discarded `count` duplicates (the EventProcess primary key, or the cache). */
  recordDuplicates(consumer: string, count = 1): void {
    if (isCount(count)) this.duplicatesDiscarded.inc({ consumer }, count);
  }

  /** A consumer sent a message to the dead-letter table with this reason code. */
  recordDeadLetter(consumer: string, reasonCode: string): void {
    this.deadLetters.inc({ consumer, reason: reasonCode });
  }

  /** Cache lookups (`saga-state`, `event-process`): how many keys were found and not. */
  recordCacheLookups(cache: string, hits: number, misses: number): void {
    if (isCount(hits)) this.cacheRequests.inc({ cache, result: 'hit' }, hits);
    if (isCount(misses)) this.cacheRequests.inc({ cache, result: 'miss' }, misses);
  }

  /** A cache operation failed; the caller carried on without the cache. */
  recordCacheError(cache: string, operation: string): void {
    this.cacheErrors.inc({ cache, operation });
  }

  /** The relay published one batch of `count` messages in `durationMs`. */
  recordOutboxPublished(count: number, durationMs: number): void {
    if (isCount(count)) this.outboxPublished.inc(count);
    if (Number.isFinite(durationMs) && durationMs >= 0) {
      this.outboxPublishDuration.observe(durationMs / 1000);
    }
  }

  /**
   * Counts what one reconciliation pass repaired, by kind, its failures and its duration;
   * zero and invalid counts are skipped.
   *
   * @example
   * ```ts
   * new Reconciler({ ..., observer: { onReconciled: (report) => metrics.recordReconciliation(report) } });
   * ```
   */
  recordReconciliation(report: ReconciliationRepairs): void {
    for (const [field, kind] of Object.entries(REPAIR_KINDS)) {
      const count = report[field as keyof typeof REPAIR_KINDS];
      if (isCount(count)) this.reconciliationRepairs.inc({ kind }, count);
    }
    if (report.failures !== undefined && isCount(report.failures)) {
      this.reconciliationFailures.inc(report.failures);
    }
    if (report.durationMs !== undefined && Number.isFinite(report.durationMs)) {
      this.reconciliationDuration.observe(Math.max(0, report.durationMs) / 1000);
    }
  }

  /** A command was put in the outbox. */
  recordCommand(participant: string, command: string, direction: Direction): void {
    this.commandsDispatched.inc({ participant, command, direction });
  }
}

/**
 * Creates the orchestrator's metrics on `metricsRegistry` (from `createMetricsRegistry`).
 * Call it once per registry: prom-client refuses a second metric of the same name.
 *
 * @throws InvalidArgumentError when an option is invalid.
 *
 * @example
 * ```ts
 * const metricsRegistry = createMetricsRegistry({ defaultLabels: { service: 'orchestrator' } });
 * const metrics = createOrchestratorMetrics(metricsRegistry, {
 *   outboxPending: () => outbox.countPending(),
 * });
 * const engine = new SagaEngine({ ...ports, observer: metricsObserver(metrics) });
 * metrics.recordDuplicates('orchestrator', result.duplicates.length);
 * ```
 */
export function createOrchestratorMetrics(
  metricsRegistry: MetricsRegistry,
  options: OrchestratorMetricsOptions = {},
): OrchestratorMetrics {
  return new OrchestratorMetrics(metricsRegistry, resolveOrchestratorMetricsOptions(options));
}

function isCount(value: number): boolean {
  return Number.isFinite(value) && value > 0;
}

/** `promise`, or a rejection once `timeoutMs` passed first (the promise runs on). */
async function within<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}
