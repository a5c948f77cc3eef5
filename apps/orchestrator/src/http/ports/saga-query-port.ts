import { type SagaStatus } from '@sagaflow/core';
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
 * Filters of {@link SagaQueryPort.list}; every field set narrows the listing. The API
 * filters by one status at most, and by neither start time.
 */
export type SagaListQuery = Pick<
  SagaQueriesListQuery,
  'limit' | 'cursor' | 'sagaType' | 'businessKey'
> & { readonly status?: SagaStatus };

/** One page of sagas, newest first. */
export type SagaPage = Page<SagaSummary>;

/** The window of {@link SagaQueryPort.stats}: `[from, to)`, every saga type. */
export type SagaStatsQuery = Pick<SagaQueriesStatsQuery, 'from' | 'to'>;

/**
 * The read side the status API lists sagas and computes statistics from: the
 * `saga_instance` projection. `SagaQueries` of `@sagaflow/mysql` fits as it is; the shapes
 * are its own.
 *
 * Contract:
 * - `list` returns the sagas matching every filter given, newest first (`startedAt`, then
 *   `sagaId`, descending), at most `limit`, and a `nextCursor` when more follow; a cursor
 *   it did not issue is rejected with an `InvalidArgumentError` (answered 400);
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
