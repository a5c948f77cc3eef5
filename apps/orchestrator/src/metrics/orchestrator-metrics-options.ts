import {
  checkOptions,
  type Clock,
  isAscendingPositiveList,
  isPositiveInteger,
  type Logger,
  noopLogger,
  systemClock,
} from '@sagaflow/core';

/** Seconds: sagas take from milliseconds (all in-process) to hours (long timeouts, retries). */
export const SAGA_DURATION_BUCKETS_SECONDS: readonly number[] = [
  0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 14_400, 86_400,
];

/** Seconds: one decision is a load, a pure decide and one transaction. */
export const DECISION_DURATION_BUCKETS_SECONDS: readonly number[] = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
];

/** Seconds: one outbox batch published as one Kafka transaction. */
export const OUTBOX_PUBLISH_BUCKETS_SECONDS: readonly number[] = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

/** Seconds: one reconciliation pass compares up to a few thousand cache entries with MySQL. */
export const RECONCILIATION_BUCKETS_SECONDS: readonly number[] = [
  0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
];

/** Seconds: an API request is a query or one transaction; a slow one waits on MySQL or Redis. */
export const HTTP_REQUEST_DURATION_BUCKETS_SECONDS: readonly number[] = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

/** Saga counts by type, each by status: `SagaQueries.counts()` and `SagaCountsCache` fit. */
export interface SagaCountsByType {
  readonly byType: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

/** The lag of one partition for one consumer group: `readConsumerLag` of `@sagaflow/kafka` fits. */
export interface ConsumerPartitionLag {
  readonly groupId: string;
  readonly topic: string;
  readonly partition: number;
  /** Records not consumed yet. */
  readonly lag: number;
}

/** Options of {@link createOrchestratorMetrics}. */
export interface OrchestratorMetricsOptions {
  /**
   * Reads how many outbox messages are unpublished, at every scrape: the
   * `outbox_pending_messages` gauge exists only when this is given.
   * @defaultValue none: no outbox gauge
   */
  readonly outboxPending?: () => Promise<number>;
  /**
   * Reads how many EventProcess records are FAILED, at every scrape: the
   * `event_process_failed_messages` gauge exists only when this is given.
   * @defaultValue none: no EventProcess gauge
   */
  readonly eventProcessFailed?: () => Promise<number>;
  /**
   * Reads how many EventProcess records are RECEIVED or PROCESSING (replies not applied
   * yet), at every scrape — admission control's cached count, so a scrape costs no query of
   * its own; NaN when unknown: the `event_process_pending_messages` gauge exists only when
   * this is given.
   * @defaultValue none: no pending-replies gauge
   */
  readonly eventProcessPending?: () => Promise<number>;
  /**
   * Reads how many sagas are RUNNING or COMPENSATING, at every scrape, like
   * `eventProcessPending`: the `sagas_in_flight` gauge exists only when this is given.
   * @defaultValue none: no in-flight gauge
   */
  readonly sagasInFlight?: () => Promise<number>;
  /**
   * Reads the saga counts by type and status, at every scrape (cache them: `SagaCountsCache`):
   * the `sagas` gauge exists only when this is given.
   * @defaultValue none: no saga counts gauge
   */
  readonly sagaCounts?: () => Promise<SagaCountsByType>;
  /**
   * Reads when the oldest RUNNING or COMPENSATING saga started (null when none), at every
   * scrape: the `oldest_active_saga_age_seconds` gauge exists only when this is given.
   * @defaultValue none: no oldest-saga gauge
   */
  readonly oldestActiveSagaStartedAt?: () => Promise<Date | null>;
  /**
   * Reads when the oldest unpublished outbox message was written (null when none), at every
   * scrape: the `outbox_lag_seconds` gauge exists only when this is given.
   * @defaultValue none: no outbox lag gauge
   */
  readonly outboxOldestPendingCreatedAt?: () => Promise<Date | null>;
  /**
   * Reads the lag of the consumer groups on every partition, at every scrape (cache it: the
   * broker is asked each time otherwise): the `consumer_lag_messages` gauge exists only
   * when this is given.
   * @defaultValue none: no consumer lag gauge
   */
  readonly consumerLag?: () => Promise<readonly ConsumerPartitionLag[]>;
  /**
   * How long a scrape waits for one gauge's source, in ms, 1–60000. Past it (or when the
   * source fails) a count gauge reads NaN and a labelled gauge (`sagas`,
   * `consumer_lag_messages`) keeps its last values, logged at warn: a scrape never fails,
   * nor times out, because one source is slow or down.
   * @defaultValue `3000`
   */
  readonly gaugeReadTimeoutMs?: number;
  /**
   * The time ages (`oldest_active_saga_age_seconds`, `outbox_lag_seconds`) are measured to.
   * @defaultValue the system clock
   */
  readonly clock?: Clock;
  /**
   * Upper bounds of the `saga_duration_seconds` buckets, ascending, in seconds.
   * @defaultValue {@link SAGA_DURATION_BUCKETS_SECONDS}
   */
  readonly sagaDurationBuckets?: readonly number[];
  /**
   * Where a failing or late gauge callback is logged, at warn (see `gaugeReadTimeoutMs`).
   * @defaultValue `noopLogger`
   */
  readonly logger?: Logger;
}

/** {@link OrchestratorMetricsOptions} with every default applied. */
export interface ResolvedOrchestratorMetricsOptions {
  readonly outboxPending: (() => Promise<number>) | null;
  readonly eventProcessFailed: (() => Promise<number>) | null;
  readonly eventProcessPending: (() => Promise<number>) | null;
  readonly sagasInFlight: (() => Promise<number>) | null;
  readonly sagaCounts: (() => Promise<SagaCountsByType>) | null;
  readonly oldestActiveSagaStartedAt: (() => Promise<Date | null>) | null;
  readonly outboxOldestPendingCreatedAt: (() => Promise<Date | null>) | null;
  readonly consumerLag: (() => Promise<readonly ConsumerPartitionLag[]>) | null;
  readonly gaugeReadTimeoutMs: number;
  readonly clock: Clock;
  readonly sagaDurationBuckets: readonly number[];
  readonly logger: Logger;
}

const MAX_GAUGE_READ_TIMEOUT_MS = 60_000;

/**
 * Applies the defaults of {@link OrchestratorMetricsOptions} and validates every field.
 *
 * @throws InvalidArgumentError naming each bad field and its value.
 */
export function resolveOrchestratorMetricsOptions(
  options: OrchestratorMetricsOptions = {},
): ResolvedOrchestratorMetricsOptions {
  const resolved: ResolvedOrchestratorMetricsOptions = {
    outboxPending: options.outboxPending ?? null,
    eventProcessFailed: options.eventProcessFailed ?? null,
    eventProcessPending: options.eventProcessPending ?? null,
    sagasInFlight: options.sagasInFlight ?? null,
    sagaCounts: options.sagaCounts ?? null,
    oldestActiveSagaStartedAt: options.oldestActiveSagaStartedAt ?? null,
    outboxOldestPendingCreatedAt: options.outboxOldestPendingCreatedAt ?? null,
    consumerLag: options.consumerLag ?? null,
    gaugeReadTimeoutMs: options.gaugeReadTimeoutMs ?? 3000,
    clock: options.clock ?? systemClock,
    sagaDurationBuckets: options.sagaDurationBuckets ?? SAGA_DURATION_BUCKETS_SECONDS,
    logger: options.logger ?? noopLogger,
  };
  const isCallback = (value: unknown): boolean => value === null || typeof value === 'function';
  const buckets = resolved.sagaDurationBuckets;
  checkOptions('createOrchestratorMetrics', [
    ['outboxPending', '[callback]', isCallback(resolved.outboxPending), 'a function'],
    ['eventProcessFailed', '[callback]', isCallback(resolved.eventProcessFailed), 'a function'],
    ['eventProcessPending', '[callback]', isCallback(resolved.eventProcessPending), 'a function'],
    ['sagasInFlight', '[callback]', isCallback(resolved.sagasInFlight), 'a function'],
    ['sagaCounts', '[callback]', isCallback(resolved.sagaCounts), 'a function'],
    [
      'oldestActiveSagaStartedAt',
      '[callback]',
      isCallback(resolved.oldestActiveSagaStartedAt),
      'a function',
    ],
    [
      'outboxOldestPendingCreatedAt',
      '[callback]',
      isCallback(resolved.outboxOldestPendingCreatedAt),
      'a function',
    ],
    ['consumerLag', '[callback]', isCallback(resolved.consumerLag), 'a function'],
    [
      'gaugeReadTimeoutMs',
      resolved.gaugeReadTimeoutMs,
      isPositiveInteger(resolved.gaugeReadTimeoutMs) &&
        resolved.gaugeReadTimeoutMs <= MAX_GAUGE_READ_TIMEOUT_MS,
      `an integer from 1 to ${MAX_GAUGE_READ_TIMEOUT_MS}`,
    ],
    [
      'clock',
      '[clock]',
      typeof (resolved.clock as { now?: unknown }).now === 'function',
      'a Clock with now()',
    ],
    [
      'sagaDurationBuckets',
      buckets,
      isAscendingPositiveList(buckets),
      'a non-empty ascending list of positive numbers',
    ],
    [
      'logger',
      '[logger]',
      typeof (resolved.logger as { child?: unknown }).child === 'function',
      'a Logger',
    ],
  ]);
  return resolved;
}
