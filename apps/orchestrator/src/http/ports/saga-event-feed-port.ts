import type { SagaFeedEvent, SagaFeedQuery } from '@sagaflow/mysql';

export type { SagaFeedEvent, SagaFeedQuery } from '@sagaflow/mysql';

/**
 * The saga events in their global order, as `GET /events/stream` polls them.
 * `SagaEventFeedQueries` of `@sagaflow/mysql` fits as it is; the shapes are its own.
 *
 * Contract:
 * - ids are decimal strings of integers that grow with the order of insertion across
 *   every saga; a saga's events come in `seq` order;
 * - `readAfter` returns the committed events with an id above `afterId` (and at most
 *   `throughId`) matching every filter given, in id order, at most `limit`;
 * - an id may become visible after a greater one (transactions commit in any order), and
 *   some ids are never used (rolled-back appends): the stream, not the port, decides how
 *   long to wait at a gap;
 * - `lastId` is the greatest id now, `'0'` when there is none.
 *
 * @example
 * ```ts
 * createHttpApi({ ...deps, events: new SagaEventFeedQueries(dataSource) }, options);
 * ```
 */
export interface SagaEventFeedPort {
  readAfter(query: SagaFeedQuery): Promise<readonly SagaFeedEvent[]>;
  lastId(): Promise<string>;
}
