import { type Clock, type EventStore } from '@sagaflow/core';
import { type SagaQueries } from '@sagaflow/mysql';
import { type SagaStateSource, type SagaVersion } from '@sagaflow/redis';

/** What {@link createSagaStateSource} reads: the `saga_instance` projection. */
export interface SagaStateSourceDeps {
  /** Listings of `saga_instance` (`SagaQueries`). */
  readonly queries: Pick<SagaQueries, 'listUpdatedSince' | 'listActive'>;
  /** The projected state of one saga (`MySqlEventStore`). */
  readonly store: Pick<EventStore, 'loadState'>;
  /** Where "now" is taken from when the recent window must be narrowed. */
  readonly clock: Clock;
}

/** `SagaQueries.listUpdatedSince` serves at most this many rows a page. */
const MAX_UPDATED_PAGE = 5000;
/** `SagaQueries.listActive` serves at most this many rows a page. */
const MAX_ACTIVE_PAGE = 1000;
/** Halvings of the window before the oldest of a crowded instant are taken as they are. */
const MAX_NARROWING = 16;

/**
 * The reconciler's view of sagas (`SagaStateSource` of `@sagaflow/redis`) over MySQL.
 *
 * `listRecentlyUpdated` must return the newest sagas first, while `SagaQueries` lists
 * oldest first: when more than `limit` sagas changed since `since`, the window is halved
 * (keeping its recent half) until its sagas fit in one page, so a pass checks the most
 * recently changed sagas — those whose cache entries matter — and reads at most 17 pages.
 * (When a burst at one instant fills every page, the last full page is taken.) `listActiveNotUpdatedSince` and `loadState` map one to one.
 *
 * @example
 * ```ts
 * const sagaSource = createSagaStateSource({ queries: new SagaQueries(dataSource), store: eventStore, clock });
 * new Reconciler({ stateCache, sagaSource, rearm: (state) => engine.rearmTimers(state) });
 * ```
 */
export function createSagaStateSource(deps: SagaStateSourceDeps): SagaStateSource {
  const { queries, store, clock } = deps;
  return {
    async listRecentlyUpdated(since, limit) {
      const pageSize = Math.min(limit, MAX_UPDATED_PAGE);
      const now = clock.now().getTime();
      let from = since.getTime();
      let lastFull: readonly SagaVersion[] = [];
      for (let narrowing = 0; ; narrowing += 1) {
        const page = await queries.listUpdatedSince({ since: new Date(from), limit: pageSize });
        if (page.nextCursor === null) {
          // Halving past a burst of changes at one instant can leave nothing: the sagas of
          // the last crowded window are then the best there is.
          return [...(page.items.length > 0 ? page.items : lastFull)].reverse();
        }
        const span = now - from;
        if (narrowing === MAX_NARROWING || span < 2) return [...page.items].reverse();
        lastFull = page.items;
        from += Math.ceil(span / 2);
      }
    },
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
