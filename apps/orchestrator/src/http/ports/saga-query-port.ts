import type {
  SagaListQuery as SagaQueriesListQuery,
  SagaStatsQuery as SagaQueriesStatsQuery,
  Page,
  SagaCounts,
  SagaStats,
  SagaSummary,
} from '@sagaflow/mysql';

export type { SagaCounts, SagaLatency, SagaStats, SagaSummary } from '@sagaflow/mysql';

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
 * - `counts` covers every saga; `stats` the sagas started, and ended, in `[from, to)`.
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
}
