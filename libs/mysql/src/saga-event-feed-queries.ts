import {
  checkInteger,
  InvalidArgumentError,
  type SagaEvent,
  type StoredSagaEvent,
} from '@sagaflow/core';
import { type DataSource } from 'typeorm';

import { toIso } from './sql-values';

/** A saga event with its place in the global order of `saga_event` and its saga's type. */
export interface SagaFeedEvent extends StoredSagaEvent {
  /** `saga_event.id`: BIGINT AUTO_INCREMENT as a decimal string, ascending across all sagas. */
  readonly id: string;
  readonly sagaType: string;
  /** The event's `type` (`SagaStarted`, `StepSucceeded`, …). */
  readonly type: SagaEvent['type'];
}

/** What {@link SagaEventFeedQueries.readAfter} reads: a range of ids and optional filters. */
export interface SagaFeedQuery {
  /** Only events with a greater id: `'0'` for the first. */
  readonly afterId: string;
  /** Only events with an id at most this. @defaultValue no upper bound */
  readonly throughId?: string;
  /** At most this many events, 1 … 5000. */
  readonly limit: number;
  /** Only this saga's events. */
  readonly sagaId?: string;
  /** Only events of sagas of this type. */
  readonly sagaType?: string;
}

/** Ids as `saga_event.id` takes them: `0` … 2^63 − 1, in decimal. */
const EVENT_ID = /^(0|[1-9][0-9]{0,18})$/;
const MAX_EVENT_ID = 2n ** 63n - 1n;

interface FeedSqlRow {
  id: string | number;
  saga_id: string;
  saga_type: string;
  seq: number;
  type: string;
  event: string;
  recorded_at: Date;
}

/**
 * Reads `saga_event` in its global order — by `id`, the auto-increment key — joined with
 * `saga_instance` for the saga type: what a live feed of saga changes (the HTTP API's
 * event stream) polls. The primary key serves the id range and the order; a saga filter is
 * served by the `(saga_id, seq)` key.
 *
 * Ids are assigned when a row is inserted and become visible when its transaction
 * commits, so a smaller id can become visible after a larger one (two appends committing
 * in the other order), and ids of rolled-back appends are never used. A reader that must
 * not miss events holds back past a gap for a while before it skips it (the event stream
 * does); this class only reads what is committed.
 *
 * @example
 * ```ts
 * const feed = new SagaEventFeedQueries(dataSource);
 * const from = await feed.lastId();
 * const next = await feed.readAfter({ afterId: from, limit: 500, sagaType: 'place-order' });
 * ```
 */
export class SagaEventFeedQueries {
  readonly #dataSource: DataSource;

  constructor(dataSource: DataSource) {
    this.#dataSource = dataSource;
  }

  /**
   * The events with an id above `afterId` (and at most `throughId`) that match the
   * filters, in id order, at most `limit`.
   *
   * @throws InvalidArgumentError for an id that is not a decimal BIGINT, or a bad limit.
   */
  async readAfter(query: SagaFeedQuery): Promise<readonly SagaFeedEvent[]> {
    const limit = checkInteger('limit', query.limit, 1, 5000);
    const where = ['e.id > ?'];
    const params: unknown[] = [checkEventId('afterId', query.afterId)];
    if (query.throughId !== undefined) {
      where.push('e.id <= ?');
      params.push(checkEventId('throughId', query.throughId));
    }
    if (query.sagaId !== undefined) {
      where.push('e.saga_id = ?');
      params.push(query.sagaId);
    }
    if (query.sagaType !== undefined) {
      where.push('i.saga_type = ?');
      params.push(query.sagaType);
    }
    const rows = await this.#dataSource.query<FeedSqlRow[]>(
      `SELECT e.id, e.saga_id, i.saga_type, e.seq, e.type, e.event, e.recorded_at
         FROM saga_event e
         JOIN saga_instance i ON i.saga_id = e.saga_id
        WHERE ${where.join(' AND ')}
        ORDER BY e.id
        LIMIT ?`,
      [...params, limit],
    );
    return rows.map(toFeedEvent);
  }

  /** The greatest id of `saga_event` now, `'0'` when it is empty (one read of the key). */
  async lastId(): Promise<string> {
    const rows = await this.#dataSource.query<{ id: string | number | null }[]>(
      'SELECT MAX(id) AS id FROM saga_event',
    );
    const id = rows[0]?.id ?? null;
    return id === null ? '0' : String(id);
  }
}

/** Throws `InvalidArgumentError` unless `value` is a `saga_event.id` in decimal. */
function checkEventId(field: string, value: string): string {
  if (typeof value !== 'string' || !EVENT_ID.test(value) || BigInt(value) > MAX_EVENT_ID) {
    throw new InvalidArgumentError(field, value, 'must be a decimal integer from 0 to 2^63 - 1');
  }
  return value;
}

function toFeedEvent(row: FeedSqlRow): SagaFeedEvent {
  const event = JSON.parse(row.event) as SagaEvent;
  return {
    id: String(row.id),
    sagaId: row.saga_id,
    sagaType: row.saga_type,
    seq: row.seq,
    type: event.type,
    event,
    recordedAt: toIso(row.recorded_at),
  };
}
