import { type EventStore } from '@sagaflow/core';
import { type SagaQueries } from '@sagaflow/mysql';
import { type SagaStateSource } from '@sagaflow/redis';

/** What {@link createSagaStateSource} reads: the `saga_instance` projection. */
export interface SagaStateSourceDeps {
  /** Listings of `saga_instance` (`SagaQueries`). */
  readonly queries: Pick<SagaQueries, 'listRecentlyUpdated' | 'listActive'>;
  /** The projected state of one saga (`MySqlEventStore`). */
  readonly store: Pick<EventStore, 'loadState'>;
}

/** `SagaQueries.listRecentlyUpdated` serves at most this many sagas. */
const MAX_RECENT = 5000;
/** `SagaQueries.listActive` serves at most this many rows a page. */
const MAX_ACTIVE_PAGE = 1000;

/**
 * The reconciler's view of sagas (`SagaStateSource` of `@sagaflow/redis`) over MySQL: the
 * most recently changed sagas first (`SagaQueries.listRecentlyUpdated`), the active sagas
 * not changed for a while, and one saga's projected state. Limits beyond what the queries
 * serve are capped.
 *
 * @example
 * ```ts
 * const sagaSource = createSagaStateSource({ queries: new SagaQueries(dataSource), store: eventStore });
 * new Reconciler({ stateCache, sagaSource, rearm: (state) => engine.rearmTimers(state) });
 * ```
 */
export function createSagaStateSource(deps: SagaStateSourceDeps): SagaStateSource {
  const { queries, store } = deps;
  return {
    listRecentlyUpdated: (since, limit) =>
      queries.listRecentlyUpdated(since, Math.min(limit, MAX_RECENT)),
    loadState: (sagaId) => store.loadState(sagaId),
    async listActiveNotUpdatedSince(before, limit) {
      const page = await queries.listActive({
        notUpdatedSince: before,
        limit: Math.min(limit, MAX_ACTIVE_PAGE),
      });
      return page.items;
    },
  };
}
