import type {
  SagaListQuery as SagaQueriesListQuery,
  SagaStatsQuery as SagaQueriesStatsQuery,
  Page,
  SagaCounts,
  SagaStats,
  SagaSummary,
  SagaTimeline,
  SagaTimelineQuery,
} from '@sagaflow/mysql';

export type {
  SagaCounts,
  SagaLatency,
  SagaStats,
  SagaSummary,
  SagaTimeline,
  SagaTimelineBucket,
  SagaTimelineLatency,
  SagaTimelineQuery,
} from '@sagaflow/mysql';

/**
 * Filters of {@link SagaQueryPort.list}; every field set narrows the listing, `sort` and
 * `order` choose its order, `stuckSince` keeps the stuck sagas only.
 */
export type SagaListQuery = SagaQueriesListQuery;

/** One page of sagas. */
export type SagaPage = Page<SagaSummary>;

/** The window of {@link SagaQueryPort.stats}: `[from, to)`, every saga type. */
export type SagaStatsQuery = Pick<SagaQueriesStatsQuery, 'from' | 'to'>;

/**
 * The read side the status API lists sagas and computes statistics from: the
 * `saga_instance` projection. `SagaQueries` of `@sagaflow/mysql` fits as it is; the shapes
 * are its own.
 *
 * Contract:
 * - `list` returns the sagas matching every filter given, in `sort` (`started`: by
 *   `startedAt`; `updated`: by `updatedAt`; then `sagaId`) and `order` (default: newest
 *   first), at most `limit`, and a `nextCursor` when more follow; a cursor it did not issue
 *   for that sort and order, or a time range on the column not sorted by, is rejected with
 *   an `InvalidArgumentError` (answered 400); `stuckSince` keeps the RUNNING and
 *   COMPENSATING sagas not changed since then and the COMPENSATION_FAILED ones;
 * - `counts` covers every saga; `stats` the sagas started, and ended, in `[from, to)`;
 * - `timeline` answers every bucket of `[from, to)` oldest first, zero-filled, bucket `i`
 *   covering `[from + i·bucketSeconds, from + (i+1)·bucketSeconds)`: the sagas started in it,
 *   those that reached COMPLETED and COMPENSATED in it, and the p50/p95/p99 duration of the
 *   latter (null when none), each at or above the exact nearest-rank value by less than
 *   9.05 % of it; a `bucketSeconds` outside 1 … 86400 or making more than 1440 buckets is
 *   rejected with an `InvalidArgumentError`.
 *
 * @example
 * ```ts
 * createHttpApi({ ...deps, sagas: new SagaQueries(dataSource) }, options);
 * ```
 */
export interface SagaQueryPort {
  list(query: SagaListQuery): Promise<SagaPage>;
  counts(): Promise<SagaCounts>;
  stats(query: SagaStatsQuery): Promise<SagaStats>;
  timeline(query: SagaTimelineQuery): Promise<SagaTimeline>;
}
