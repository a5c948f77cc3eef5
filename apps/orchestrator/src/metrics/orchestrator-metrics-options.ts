import { checkOptions, isAscendingPositiveList } from '@sagaflow/config';
import { type Logger, noopLogger } from '@sagaflow/core';

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
   * Upper bounds of the `saga_duration_seconds` buckets, ascending, in seconds.
   * @defaultValue {@link SAGA_DURATION_BUCKETS_SECONDS}
   */
  readonly sagaDurationBuckets?: readonly number[];
  /**
   * Where a failing gauge callback is logged (the gauge then reads NaN for that scrape).
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
  readonly sagaDurationBuckets: readonly number[];
  readonly logger: Logger;
}

/**
 * Applies the defaults of {@link OrchestratorMetricsOptions} and validates every field.
 *
 * @throws OptionsError naming each bad field and its value.
 */
export function resolveOrchestratorMetricsOptions(
  options: OrchestratorMetricsOptions = {},
): ResolvedOrchestratorMetricsOptions {
  const resolved: ResolvedOrchestratorMetricsOptions = {
    outboxPending: options.outboxPending ?? null,
    eventProcessFailed: options.eventProcessFailed ?? null,
    eventProcessPending: options.eventProcessPending ?? null,
    sagasInFlight: options.sagasInFlight ?? null,
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
