import {
  checkDate,
  checkInteger,
  InvalidArgumentError,
  SAGA_STATUSES,
  type SagaState,
  type SagaStatus,
} from '@sagaflow/core';
import { type DataSource } from 'typeorm';

import {
  type DurationClassCount,
  durationClassSql,
  histogramPercentiles,
} from './duration-histogram';
import { decodeCursor, encodeCursor } from './keyset-cursor';
import { buildSagaListing, type SagaListQuery } from './saga-listing';
import { toIso, toIsoOrNull, toNumber } from './sql-values';

/** One saga in a listing: the `saga_instance` projection without data or state. */
export interface SagaSummary {
  readonly sagaId: string;
  readonly sagaType: string;
  readonly sagaVersion: number;
  readonly businessKey: string | null;
  readonly status: SagaStatus;
  /** Steps with an attempt in flight or waiting for a retry. */
  readonly activeSteps: readonly string[];
  /** The reason code of the failure that made the saga compensate, if any. */
  readonly failureCode: string | null;
  /** Events in the saga's stream. */
  readonly version: number;
  /** ISO-8601 UTC. */
  readonly startedAt: string;
  readonly updatedAt: string;
  readonly endedAt: string | null;
}

/** A page of a keyset-paginated listing. */
export interface Page<T> {
  readonly items: readonly T[];
  /** Pass it as `cursor` for the next page; null on the last page. */
  readonly nextCursor: string | null;
}

/** How many sagas there are, by status and by type. */
export interface SagaCounts {
  readonly total: number;
  /** Every status, 0 when none. */
  readonly byStatus: Readonly<Record<SagaStatus, number>>;
  /** Per saga type, every status (0 when none). */
  readonly byType: Readonly<Record<string, Readonly<Record<SagaStatus, number>>>>;
}

/** The window of {@link SagaQueries.stats}: `[from, to)`. */
export interface SagaStatsQuery {
  readonly from: Date;
  readonly to: Date;
  /** Only sagas of this type. */
  readonly sagaType?: string;
}

/** Saga duration (`ended_at − started_at`) statistics, in milliseconds. */
export interface SagaLatency {
  /** Nearest-rank percentiles. */
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly mean: number;
  readonly max: number;
}

/** What happened in a window. */
export interface SagaStats {
  /** ISO-8601 UTC. */
  readonly from: string;
  readonly to: string;
  /** Sagas started in the window. */
  readonly started: number;
  /** Sagas that reached COMPLETED or COMPENSATED in the window. */
  readonly ended: number;
  readonly completed: number;
  readonly compensated: number;
  /** Ended sagas per second of the window. */
  readonly throughputPerSecond: number;
  /** Durations of the sagas ended in the window; null when none ended. */
  readonly latencyMs: SagaLatency | null;
}

/** The window and bucket width of {@link SagaQueries.timeline}. */
export interface SagaTimelineQuery {
  /**
   * The window, `[from, to)`. Bucket `i` covers
   * `[from + i·bucketSeconds, from + (i+1)·bucketSeconds)`.
   */
  readonly from: Date;
  readonly to: Date;
  /** 1 … 86400, and at most 1440 buckets over the window. */
  readonly bucketSeconds: number;
}

/**
 * Approximate nearest-rank percentiles of saga durations, in milliseconds: each is at or
 * above the exact value, by less than 9.05 % of it (less than 1.1 ms under 1 ms).
 */
export interface SagaTimelineLatency {
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
}

/** One bucket of a {@link SagaTimeline}. */
export interface SagaTimelineBucket {
  /** ISO-8601 UTC: the start of the bucket. */
  readonly at: string;
  /** Sagas started in the bucket. */
  readonly started: number;
  /** Sagas that reached COMPLETED in the bucket. */
  readonly completed: number;
  /** Sagas that reached COMPENSATED in the bucket. */
  readonly compensated: number;
  /** Durations of the sagas ended in the bucket; null when none ended. */
  readonly latencyMs: SagaTimelineLatency | null;
}

/** Sagas started and ended over a window, bucket by bucket. */
export interface SagaTimeline {
  /** ISO-8601 UTC. */
  readonly from: string;
  readonly to: string;
  readonly bucketSeconds: number;
  /** Every bucket of the window, oldest first, zero-filled; the last may end after `to`. */
  readonly buckets: readonly SagaTimelineBucket[];
}

/** The most buckets {@link SagaQueries.timeline} answers: a day of minutes. */
const MAX_TIMELINE_BUCKETS = 1440;

/** Filters of {@link SagaQueries.listActive}; oldest update first. */
export interface ActiveSagaQuery {
  /** Only sagas whose last change is older than this. */
  readonly notUpdatedSince: Date;
  /** Page size, 1 … 1000. */
  readonly limit: number;
  readonly cursor?: string;
}

/** A saga's version as stored, for cache reconciliation. */
export interface SagaVersion {
  readonly sagaId: string;
  readonly version: number;
  readonly status: SagaStatus;
  readonly updatedAt: string;
}

/**
 * Filters of {@link SagaQueries.listUpdatedSince}; oldest update first (for newest first,
 * see {@link SagaQueries.listRecentlyUpdated}).
 */
export interface UpdatedSagaQuery {
  /** Only sagas changed at or after this time. */
  readonly since: Date;
  /** Page size, 1 … 5000. */
  readonly limit: number;
  readonly cursor?: string;
}

interface SummarySqlRow {
  saga_id: string;
  saga_type: string;
  saga_version: number;
  business_key: string | null;
  status: SagaStatus;
  current_step: string | null;
  failure_code: string | null;
  version: number;
  started_at: Date;
  updated_at: Date;
  ended_at: Date | null;
}

const SUMMARY_COLUMNS = `saga_id, saga_type, saga_version, business_key, status, current_step,
  failure_code, version, started_at, updated_at, ended_at`;

const PERCENTILES = [0.5, 0.95, 0.99] as const;

/** SQL of a saga's duration in milliseconds. */
const DURATION_MS = 'TIMESTAMPDIFF(MICROSECOND, started_at, ended_at) / 1000';

/**
 * Read-only queries over `saga_instance` (and `saga_event` counts) for the status API,
 * statistics, recovery and cache reconciliation. Portable SQL for MySQL 8 and MariaDB:
 * keyset pagination, percentiles by nearest rank with `ORDER BY … LIMIT 1 OFFSET k` (over a
 * window) or from a histogram of duration classes (per bucket of a timeline).
 *
 * @example
 * ```ts
 * const queries = new SagaQueries(dataSource);
 * const page = await queries.list({ status: 'RUNNING', limit: 50 });
 * const more = await queries.list({ status: 'RUNNING', limit: 50, cursor: page.nextCursor });
 * const { latencyMs } = await queries.stats({ from: hourAgo, to: now });
 * const { buckets } = await queries.timeline({ from: hourAgo, to: now, bucketSeconds: 60 });
 * ```
 */
export class SagaQueries {
  readonly #dataSource: DataSource;

  constructor(dataSource: DataSource) {
    this.#dataSource = dataSource;
  }

  /**
   * Sagas matching the filters, newest first by default, one page at a time; every filter
   * combination reads an index in order and a bounded number of rows (see
   * {@link buildSagaListing}).
   */
  async list(query: SagaListQuery): Promise<Page<SagaSummary>> {
    const listing = buildSagaListing(query, SUMMARY_COLUMNS);
    if (listing === null) return { items: [], nextCursor: null };
    const rows = await this.#dataSource.query<SummarySqlRow[]>(listing.sql, [...listing.params]);
    const items = rows.slice(0, query.limit).map(toSummary);
    const last = items.at(-1);
    return {
      items,
      nextCursor:
        rows.length > query.limit && last !== undefined ? listing.cursorAfter(last) : null,
    };
  }

  /** One saga's summary, or null. */
  async get(sagaId: string): Promise<SagaSummary | null> {
    const rows = await this.#dataSource.query<SummarySqlRow[]>(
      `SELECT ${SUMMARY_COLUMNS} FROM saga_instance WHERE saga_id = ?`,
      [sagaId],
    );
    const row = rows[0];
    return row === undefined ? null : toSummary(row);
  }

  /** How many sagas there are, by status and by saga type. */
  async counts(): Promise<SagaCounts> {
    const rows = await this.#dataSource.query<
      { saga_type: string; status: SagaStatus; n: string }[]
    >('SELECT saga_type, status, COUNT(*) AS n FROM saga_instance GROUP BY saga_type, status');
    const byStatus = zeroCounts();
    const byType: Record<string, Record<SagaStatus, number>> = {};
    let total = 0;
    for (const row of rows) {
      const n = toNumber(row.n);
      total += n;
      if (!isSagaStatus(row.status)) continue;
      byStatus[row.status] += n;
      const perType = (byType[row.saga_type] ??= zeroCounts());
      perType[row.status] += n;
    }
    return { total, byStatus, byType };
  }

  /**
   * How many sagas are RUNNING or COMPENSATING: in flight, not ended nor parked. One
   * `COUNT(*)` over the `(status, updated_at)` index, for admission control.
   */
  async countActive(): Promise<number> {
    const rows = await this.#dataSource.query<{ n: number | string }[]>(
      `SELECT COUNT(*) AS n FROM saga_instance WHERE status IN ('RUNNING', 'COMPENSATING')`,
    );
    return toNumber(rows[0]?.n ?? 0);
  }

  /**
   * When the oldest saga still in flight (RUNNING or COMPENSATING) started; null when none
   * is. One `MIN(started_at)` per status, each the first entry of that status in the
   * `(status, started_at)` index (an `IN` list would make it a range to scan), in one round
   * trip.
   *
   * @example
   * ```ts
   * const startedAt = await queries.oldestActiveStartedAt();
   * const ageSeconds = startedAt === null ? 0 : (Date.now() - startedAt.getTime()) / 1000;
   * ```
   */
  async oldestActiveStartedAt(): Promise<Date | null> {
    const rows = await this.#dataSource.query<
      { running: Date | null; compensating: Date | null }[]
    >(
      `SELECT (SELECT MIN(started_at) FROM saga_instance WHERE status = 'RUNNING') AS running,
              (SELECT MIN(started_at) FROM saga_instance WHERE status = 'COMPENSATING')
                AS compensating`,
    );
    const found = [rows[0]?.running ?? null, rows[0]?.compensating ?? null].filter(
      (at): at is Date => at !== null,
    );
    return found.length === 0 ? null : new Date(Math.min(...found.map((at) => at.getTime())));
  }

  /**
   * Sagas started and ended in `[from, to)`, the throughput of ended sagas, and the
   * p50/p95/p99/mean/max duration of the ended ones.
   */
  async stats(query: SagaStatsQuery): Promise<SagaStats> {
    const from = checkDate('from', query.from);
    const to = checkDate('to', query.to);
    if (to.getTime() <= from.getTime()) {
      throw new InvalidArgumentError('to', to, 'must be later than from');
    }
    const typeFilter = query.sagaType === undefined ? '' : ' AND saga_type = ?';
    const typeParams = query.sagaType === undefined ? [] : [query.sagaType];
    const endedWhere = `ended_at >= ? AND ended_at < ?${typeFilter}`;
    const endedParams = [from, to, ...typeParams];

    const [startedRows, endedRows] = await Promise.all([
      this.#dataSource.query<{ n: string }[]>(
        `SELECT COUNT(*) AS n FROM saga_instance
          WHERE started_at >= ? AND started_at < ?${typeFilter}`,
        [from, to, ...typeParams],
      ),
      this.#dataSource.query<
        { n: string; completed: string | null; mean: string | null; max: string | null }[]
      >(
        `SELECT COUNT(*) AS n,
                SUM(CASE WHEN status = 'COMPLETED' THEN 1 ELSE 0 END) AS completed,
                AVG(${DURATION_MS}) AS mean,
                MAX(${DURATION_MS}) AS max
           FROM saga_instance
          WHERE ${endedWhere}`,
        endedParams,
      ),
    ]);
    const ended = toNumber(endedRows[0]?.n ?? 0);
    const completed = toNumber(endedRows[0]?.completed ?? 0);
    const percentiles = await Promise.all(
      PERCENTILES.map(async (p) => {
        if (ended === 0) return 0;
        const rows = await this.#dataSource.query<{ d: string }[]>(
          `SELECT ${DURATION_MS} AS d FROM saga_instance
            WHERE ${endedWhere}
            ORDER BY d
            LIMIT 1 OFFSET ?`,
          [...endedParams, Math.max(0, Math.ceil(p * ended) - 1)],
        );
        return toNumber(rows[0]?.d ?? 0);
      }),
    );
    const [p50 = 0, p95 = 0, p99 = 0] = percentiles;
    return {
      from: toIso(from),
      to: toIso(to),
      started: toNumber(startedRows[0]?.n ?? 0),
      ended,
      completed,
      compensated: ended - completed,
      throughputPerSecond: ended / ((to.getTime() - from.getTime()) / 1000),
      latencyMs:
        ended === 0
          ? null
          : {
              p50,
              p95,
              p99,
              mean: toNumber(endedRows[0]?.mean ?? 0),
              max: toNumber(endedRows[0]?.max ?? 0),
            },
    };
  }

  /**
   * Sagas started, completed and compensated in each bucket of `[from, to)`, and the p50,
   * p95 and p99 duration of those ended in it, every bucket present (zero-filled) oldest
   * first. Two queries whatever the number of buckets: one `GROUP BY` bucket over the
   * `started_at` index, and one over the `ended_at` index grouped by bucket and by
   * logarithmic duration class (eight per doubling, see `duration-histogram.ts`), from
   * which the percentiles are read: each is at or above the exact nearest-rank value, by
   * less than 9.05 % of it. A bucket's index is the time since `from` divided by its width,
   * computed by the server on DATETIME values, so the session time zone plays no part.
   *
   * @throws InvalidArgumentError when `to` is not after `from`, `bucketSeconds` is not an
   * integer from 1 to 86400, or the window would make more than 1440 buckets.
   *
   * @example
   * ```ts
   * const to = new Date();
   * const { buckets } = await queries.timeline({
   *   from: new Date(to.getTime() - 3_600_000),
   *   to,
   *   bucketSeconds: 60,
   * });
   * buckets[0]?.latencyMs?.p99;
   * ```
   */
  async timeline(query: SagaTimelineQuery): Promise<SagaTimeline> {
    const from = checkDate('from', query.from);
    const to = checkDate('to', query.to);
    if (to.getTime() <= from.getTime()) {
      throw new InvalidArgumentError('to', to, 'must be later than from');
    }
    const bucketSeconds = checkInteger('bucketSeconds', query.bucketSeconds, 1, 86_400);
    const bucketMs = bucketSeconds * 1000;
    const bucketCount = Math.ceil((to.getTime() - from.getTime()) / bucketMs);
    if (bucketCount > MAX_TIMELINE_BUCKETS) {
      throw new InvalidArgumentError(
        'bucketSeconds',
        bucketSeconds,
        `must make at most ${MAX_TIMELINE_BUCKETS} buckets of the window, not ${bucketCount}`,
      );
    }
    const bucketMicros = bucketMs * 1000;

    const [startedRows, endedRows] = await Promise.all([
      this.#dataSource.query<{ bucket: number | string; n: number | string }[]>(
        `SELECT TIMESTAMPDIFF(MICROSECOND, ?, started_at) DIV ? AS bucket, COUNT(*) AS n
           FROM saga_instance
          WHERE started_at >= ? AND started_at < ?
          GROUP BY bucket`,
        [from, bucketMicros, from, to],
      ),
      this.#dataSource.query<
        {
          bucket: number | string;
          duration_class: number | string;
          completed: number | string;
          compensated: number | string;
          max_ms: number | string;
        }[]
      >(
        `SELECT TIMESTAMPDIFF(MICROSECOND, ?, ended_at) DIV ? AS bucket,
                ${durationClassSql(DURATION_MS)} AS duration_class,
                SUM(CASE WHEN status = 'COMPLETED' THEN 1 ELSE 0 END) AS completed,
                SUM(CASE WHEN status = 'COMPENSATED' THEN 1 ELSE 0 END) AS compensated,
                MAX(${DURATION_MS}) AS max_ms
           FROM saga_instance
          WHERE ended_at >= ? AND ended_at < ? AND status IN ('COMPLETED', 'COMPENSATED')
          GROUP BY bucket, duration_class`,
        [from, bucketMicros, from, to],
      ),
    ]);

    const buckets = Array.from({ length: bucketCount }, () => ({
      started: 0,
      completed: 0,
      compensated: 0,
      classes: [] as DurationClassCount[],
    }));
    for (const row of startedRows) {
      const bucket = buckets[toNumber(row.bucket)];
      if (bucket !== undefined) bucket.started += toNumber(row.n);
    }
    for (const row of endedRows) {
      const bucket = buckets[toNumber(row.bucket)];
      if (bucket === undefined) continue;
      const completed = toNumber(row.completed);
      const compensated = toNumber(row.compensated);
      bucket.completed += completed;
      bucket.compensated += compensated;
      bucket.classes.push({
        durationClass: toNumber(row.duration_class),
        count: completed + compensated,
        maxMs: toNumber(row.max_ms),
      });
    }
    return {
      from: toIso(from),
      to: toIso(to),
      bucketSeconds,
      buckets: buckets.map((bucket, i) => {
        const percentiles = histogramPercentiles(bucket.classes, PERCENTILES);
        return {
          at: toIso(new Date(from.getTime() + i * bucketMs)),
          started: bucket.started,
          completed: bucket.completed,
          compensated: bucket.compensated,
          latencyMs:
            percentiles === null
              ? null
              : { p50: percentiles[0] ?? 0, p95: percentiles[1] ?? 0, p99: percentiles[2] ?? 0 },
        };
      }),
    };
  }

  /**
   * RUNNING and COMPENSATING sagas not changed since `notUpdatedSince`, with their full
   * state (recovery re-arms their `pendingTimers`), oldest change first.
   */
  async listActive(query: ActiveSagaQuery): Promise<Page<SagaState>> {
    const limit = checkInteger('limit', query.limit, 1, 1000);
    const where = [`status IN ('RUNNING', 'COMPENSATING')`, 'updated_at < ?'];
    const params: unknown[] = [checkDate('notUpdatedSince', query.notUpdatedSince)];
    appendAscendingCursor(query.cursor, where, params);
    const rows = await this.#dataSource.query<
      { saga_id: string; updated_at: Date; state: string }[]
    >(
      `SELECT saga_id, updated_at, state FROM saga_instance
        WHERE ${where.join(' AND ')}
        ORDER BY updated_at, saga_id
        LIMIT ?`,
      [...params, limit + 1],
    );
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map((row) => JSON.parse(row.state) as SagaState),
      nextCursor:
        rows.length > limit && last !== undefined
          ? encodeCursor([toIso(last.updated_at), last.saga_id])
          : null,
    };
  }

  /** Sagas changed at or after `since`, with their stored version, oldest change first. */
  async listUpdatedSince(query: UpdatedSagaQuery): Promise<Page<SagaVersion>> {
    const limit = checkInteger('limit', query.limit, 1, 5000);
    // Every status listed, so the (status, updated_at) index serves the range.
    const where = ['status IN (?)', 'updated_at >= ?'];
    const params: unknown[] = [SAGA_STATUSES, checkDate('since', query.since)];
    appendAscendingCursor(query.cursor, where, params);
    const rows = await this.#dataSource.query<
      { saga_id: string; version: number; status: SagaStatus; updated_at: Date }[]
    >(
      `SELECT saga_id, version, status, updated_at FROM saga_instance
        WHERE ${where.join(' AND ')}
        ORDER BY updated_at, saga_id
        LIMIT ?`,
      [...params, limit + 1],
    );
    const items = rows.slice(0, limit).map(toVersion);
    const last = items.at(-1);
    return {
      items,
      nextCursor:
        rows.length > limit && last !== undefined
          ? encodeCursor([last.updatedAt, last.sagaId])
          : null,
    };
  }

  /**
   * The sagas changed at or after `since`, with their stored version, **newest change
   * first**, at most `limit` (1 … 5000): what cache reconciliation compares, most recently
   * changed first because those are the cache entries that matter. Ties on the change time
   * are broken by saga id, descending.
   *
   * @example
   * ```ts
   * const recent = await queries.listRecentlyUpdated(new Date(Date.now() - 60_000), 500);
   * ```
   */
  async listRecentlyUpdated(since: Date, limit: number): Promise<readonly SagaVersion[]> {
    checkInteger('limit', limit, 1, 5000);
    // Every status listed, so the (status, updated_at) index serves the range.
    const rows = await this.#dataSource.query<
      { saga_id: string; version: number; status: SagaStatus; updated_at: Date }[]
    >(
      `SELECT saga_id, version, status, updated_at FROM saga_instance
        WHERE status IN (?) AND updated_at >= ?
        ORDER BY updated_at DESC, saga_id DESC
        LIMIT ?`,
      [SAGA_STATUSES, checkDate('since', since), limit],
    );
    return rows.map(toVersion);
  }

  /** How many events each saga's stream has (for sagas that have any). */
  async eventCounts(sagaIds: readonly string[]): Promise<ReadonlyMap<string, number>> {
    if (sagaIds.length === 0) return new Map();
    const rows = await this.#dataSource.query<{ saga_id: string; n: string }[]>(
      'SELECT saga_id, COUNT(*) AS n FROM saga_event WHERE saga_id IN (?) GROUP BY saga_id',
      [sagaIds],
    );
    return new Map(rows.map((row) => [row.saga_id, toNumber(row.n)]));
  }
}

function appendAscendingCursor(cursor: string | undefined, where: string[], params: unknown[]) {
  if (cursor === undefined) return;
  const [updatedAt, sagaId] = decodeCursor(cursor, 2);
  const at = new Date(String(updatedAt));
  where.push('(updated_at > ? OR (updated_at = ? AND saga_id > ?))');
  params.push(at, at, sagaId);
}

function toVersion(row: {
  saga_id: string;
  version: number;
  status: SagaStatus;
  updated_at: Date;
}): SagaVersion {
  return {
    sagaId: row.saga_id,
    version: row.version,
    status: row.status,
    updatedAt: toIso(row.updated_at),
  };
}

function isSagaStatus(value: string): value is SagaStatus {
  return (SAGA_STATUSES as readonly string[]).includes(value);
}

function zeroCounts(): Record<SagaStatus, number> {
  return {
    RUNNING: 0,
    COMPENSATING: 0,
    COMPLETED: 0,
    COMPENSATED: 0,
    COMPENSATION_FAILED: 0,
  };
}

function toSummary(row: SummarySqlRow): SagaSummary {
  return {
    sagaId: row.saga_id,
    sagaType: row.saga_type,
    sagaVersion: row.saga_version,
    businessKey: row.business_key,
    status: row.status,
    activeSteps: row.current_step === null ? [] : row.current_step.split(','),
    failureCode: row.failure_code,
    version: row.version,
    startedAt: toIso(row.started_at),
    updatedAt: toIso(row.updated_at),
    endedAt: toIsoOrNull(row.ended_at),
  };
}
