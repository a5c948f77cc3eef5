import {
  checkDate,
  checkInteger,
  InvalidArgumentError,
  SAGA_STATUSES,
  type SagaStatus,
} from '@sagaflow/core';

import { decodeCursor, encodeCursor } from './keyset-cursor';

/** The time column a listing is ordered by. */
export type SagaListSort = 'started' | 'updated';

/** Filters of `SagaQueries.list`; every field set narrows the listing. */
export interface SagaListQuery {
  /** Page size, 1 … 500. */
  readonly limit: number;
  /** `nextCursor` of the previous page of the same query. */
  readonly cursor?: string;
  /** One status or any of several. @defaultValue every status */
  readonly status?: SagaStatus | readonly SagaStatus[];
  readonly sagaType?: string;
  readonly businessKey?: string;
  /** Only sagas started at or after this time. */
  readonly startedAfter?: Date;
  /** Only sagas started before this time. */
  readonly startedBefore?: Date;
  /** Only sagas whose last change is at or after this time. */
  readonly updatedAfter?: Date;
  /** Only sagas whose last change is before this time. */
  readonly updatedBefore?: Date;
  /**
   * Only stuck sagas: RUNNING or COMPENSATING ones not changed since this time, and every
   * COMPENSATION_FAILED (parked) one.
   */
  readonly stuckSince?: Date;
  /**
   * The column the sagas come ordered by (then the saga id). A time range must be on this
   * column: a range on the other one would be filtered row by row over the whole index.
   * @defaultValue `updated` when an `updated…` range or `stuckSince` is given, else `started`
   */
  readonly sort?: SagaListSort;
  /** @defaultValue `desc`: newest first */
  readonly order?: 'asc' | 'desc';
}

/** One statement of a listing: SQL and its parameters. */
export interface SagaListStatement {
  readonly sql: string;
  readonly params: readonly unknown[];
  /** Where the page after a given last row starts. */
  readonly cursorAfter: (last: { sagaId: string; startedAt: string; updatedAt: string }) => string;
}

/** What stuck means for each status: active ones only when not changed since a time. */
const STUCK_STATUSES: ReadonlySet<SagaStatus> = new Set([
  'RUNNING',
  'COMPENSATING',
  'COMPENSATION_FAILED',
]);
const ACTIVE_STATUSES: ReadonlySet<SagaStatus> = new Set(['RUNNING', 'COMPENSATING']);

const SORT_COLUMN = { started: 'started_at', updated: 'updated_at' } as const;

/**
 * The indexes a listing reads, by whether it filters by type and by its sort. Each leads
 * with the equality columns (status, or type then status) and ends with the sort column,
 * so one index range per status yields the sagas already in order: the page is the first
 * `limit` entries of each range, merged.
 */
const LISTING_INDEX = {
  started: { all: 'ix_saga_instance_status_started', type: 'ix_saga_instance_type_status_started' },
  updated: { all: 'ix_saga_instance_status_updated', type: 'ix_saga_instance_type_status_updated' },
} as const;

/**
 * Builds the SQL of one page of a saga listing so that every filter combination reads an
 * index in order and a bounded number of rows, whatever the table's size:
 *
 * - one sub-select per status (the statuses asked for, every status by default), each an
 *   index range on `(status, sort column)` or `(saga_type, status, sort column)` read in the
 *   listing's order and cut at `limit + 1` rows; a `UNION ALL` merges them and sorts at most
 *   `statuses × (limit + 1)` rows;
 * - a business key is unique per type, so its sub-selects read its index and a handful
 *   of rows;
 * - the time range on the sort column bounds the index range; a range on the other time
 *   column is refused (it could only be filtered row by row);
 * - `stuckSince` keeps COMPENSATION_FAILED as it is and adds `updated_at < stuckSince` to
 *   RUNNING and COMPENSATING: an index bound when sorting by update time; a row filter over
 *   the sagas in flight (bounded by admission control) when sorting by start time.
 *
 * The cursor carries the sort and the order it was made for; another query's cursor is
 * refused. Returns null when the filters exclude every status.
 *
 * @throws InvalidArgumentError on a bad limit, date, status, cursor, or a time range on the
 *   column the listing is not sorted by.
 */
export function buildSagaListing(query: SagaListQuery, columns: string): SagaListStatement | null {
  const limit = checkInteger('limit', query.limit, 1, 500);
  const sort = query.sort ?? defaultSort(query);
  const order = query.order ?? 'desc';
  // Checked for callers without the types (the query of an HTTP request, say).
  if (!(Object.keys(SORT_COLUMN) as readonly string[]).includes(sort)) {
    throw new InvalidArgumentError('sort', sort, "must be 'started' or 'updated'");
  }
  if (!(['asc', 'desc'] as readonly string[]).includes(order)) {
    throw new InvalidArgumentError('order', order, "must be 'asc' or 'desc'");
  }
  const other = sort === 'started' ? 'updated' : 'started';
  for (const bound of ['After', 'Before'] as const) {
    const field = `${other}${bound}` as const;
    if (query[field] !== undefined) {
      throw new InvalidArgumentError(
        field,
        query[field],
        `needs sort=${other}: a listing filters by a time range on the column it is sorted by`,
      );
    }
  }
  const statuses = listedStatuses(query);
  if (statuses.length === 0) return null;

  const column = SORT_COLUMN[sort];
  const shared: string[] = [];
  const sharedParams: unknown[] = [];
  if (query.sagaType !== undefined) {
    shared.push('saga_type = ?');
    sharedParams.push(query.sagaType);
  }
  if (query.businessKey !== undefined) {
    shared.push('business_key = ?');
    sharedParams.push(query.businessKey);
  }
  const after = query[`${sort}After`];
  const before = query[`${sort}Before`];
  if (after !== undefined) {
    shared.push(`${column} >= ?`);
    sharedParams.push(checkDate(`${sort}After`, after));
  }
  if (before !== undefined) {
    shared.push(`${column} < ?`);
    sharedParams.push(checkDate(`${sort}Before`, before));
  }
  if (query.cursor !== undefined) {
    const [cursorSort, cursorOrder, at, sagaId] = decodeCursor(query.cursor, 4);
    if (cursorSort !== sort || cursorOrder !== order) {
      throw new InvalidArgumentError(
        'cursor',
        query.cursor,
        `was made for sort=${String(cursorSort)}&order=${String(cursorOrder)}, not sort=${sort}&order=${order}`,
      );
    }
    const position = new Date(String(at));
    if (Number.isNaN(position.getTime())) {
      throw new InvalidArgumentError(
        'cursor',
        query.cursor,
        'must be a cursor returned by a listing',
      );
    }
    // The first comparison bounds the index range; the second breaks ties by saga id.
    const [past, strictly] = order === 'desc' ? ['<=', '<'] : ['>=', '>'];
    shared.push(`${column} ${past} ? AND (${column} ${strictly} ? OR saga_id ${strictly} ?)`);
    sharedParams.push(position, position, sagaId);
  }
  const stuckSince =
    query.stuckSince === undefined ? undefined : checkDate('stuckSince', query.stuckSince);

  const index =
    query.businessKey === undefined
      ? `FORCE INDEX (${LISTING_INDEX[sort][query.sagaType === undefined ? 'all' : 'type']})`
      : '';
  const direction = order === 'desc' ? 'DESC' : 'ASC';
  const orderBy = `ORDER BY ${column} ${direction}, saga_id ${direction}`;
  const parts: string[] = [];
  const params: unknown[] = [];
  for (const status of statuses) {
    const where = ['status = ?', ...shared];
    params.push(status, ...sharedParams);
    if (stuckSince !== undefined && ACTIVE_STATUSES.has(status)) {
      where.push('updated_at < ?');
      params.push(stuckSince);
    }
    parts.push(
      `(SELECT ${columns} FROM saga_instance ${index} WHERE ${where.join(' AND ')} ${orderBy} LIMIT ?)`,
    );
    params.push(limit + 1);
  }
  const sql =
    parts.length === 1
      ? (parts[0] ?? '').slice(1, -1)
      : `${parts.join(' UNION ALL ')} ${orderBy} LIMIT ?`;
  if (parts.length > 1) params.push(limit + 1);
  return {
    sql,
    params,
    cursorAfter: (last) =>
      encodeCursor([
        sort,
        order,
        sort === 'started' ? last.startedAt : last.updatedAt,
        last.sagaId,
      ]),
  };
}

function defaultSort(query: SagaListQuery): SagaListSort {
  return query.updatedAfter !== undefined ||
    query.updatedBefore !== undefined ||
    query.stuckSince !== undefined
    ? 'updated'
    : 'started';
}

function listedStatuses(query: SagaListQuery): readonly SagaStatus[] {
  const asked: readonly SagaStatus[] =
    query.status === undefined
      ? SAGA_STATUSES
      : typeof query.status === 'string'
        ? [query.status]
        : query.status;
  for (const status of asked) {
    if (!(SAGA_STATUSES as readonly string[]).includes(status)) {
      throw new InvalidArgumentError(
        'status',
        status,
        `must be one of ${SAGA_STATUSES.join(', ')}`,
      );
    }
  }
  const unique = [...new Set(asked)];
  return query.stuckSince === undefined ? unique : unique.filter((s) => STUCK_STATUSES.has(s));
}
