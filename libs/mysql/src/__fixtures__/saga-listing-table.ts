import { type SagaStatus } from '@sagaflow/core';
import { type DataSource, type QueryRunner } from 'typeorm';

import { buildSagaListing, type SagaListQuery } from '../saga-listing';

/** The first start time of a seeded table; sagas start 2 s apart from there. */
export const SEEDED_FROM = new Date(Date.UTC(2031, 0, 1));

/** The start time of the `n`-th seeded saga (0-based). */
export const seededStart = (n: number): Date => new Date(SEEDED_FROM.getTime() + n * 2000);

/**
 * How a seeded table splits its sagas by status, per 10,000: what a busy production table
 * looks like — nearly all ended, a few hundred in flight (admission control bounds those),
 * a few parked.
 */
const STATUS_PER_10K = `CASE
  WHEN k % 10000 < 5 THEN 'RUNNING'
  WHEN k % 10000 < 7 THEN 'COMPENSATING'
  WHEN k % 10000 < 8 THEN 'COMPENSATION_FAILED'
  WHEN k % 10 = 9 THEN 'COMPENSATED'
  ELSE 'COMPLETED' END`;

/** The saga types of a seeded table, round robin. */
export const SEEDED_TYPES = ['place-order', 'refund', 'transfer'] as const;

/**
 * Fills `saga_instance` with `rows` sagas (a multiple of 1000) in statements of 100,000
 * rows, built by SQL alone (cross joins of a 1000-row helper table), so a million rows take
 * seconds rather than a million round trips. Saga `n` is `pl-<n>` (7 digits), of type
 * `SEEDED_TYPES[n % 3]`, business key `bk-<n>`, started at {@link seededStart}`(n)`,
 * changed 0–59 s later; ended ones ended then.
 */
export async function seedSagaInstances(dataSource: DataSource, rows: number): Promise<void> {
  await dataSource.query('CREATE TABLE seed_numbers (n INT PRIMARY KEY)');
  try {
    await dataSource.query(
      `INSERT INTO seed_numbers (n)
       SELECT a.d * 100 + b.d * 10 + c.d
         FROM (${digits()}) a CROSS JOIN (${digits()}) b CROSS JOIN (${digits()}) c`,
    );
    const chunk = 100_000;
    for (let from = 0; from < rows; from += chunk) {
      const size = Math.min(chunk, rows - from);
      await dataSource.query(
        `INSERT INTO saga_instance (saga_id, saga_type, saga_version, business_key, status,
           current_step, data, state, version, failure_code, started_at, updated_at, ended_at)
         SELECT CONCAT('pl-', LPAD(k, 7, '0')),
                ELT(1 + k % 3, ${SEEDED_TYPES.map((t) => `'${t}'`).join(', ')}),
                1, CONCAT('bk-', k), status, NULL, '{}', '{}', 6, NULL,
                started_at, updated_at,
                CASE WHEN status IN ('COMPLETED', 'COMPENSATED') THEN updated_at END
           FROM (SELECT k, ${STATUS_PER_10K} AS status,
                        TIMESTAMPADD(SECOND, k * 2, ?) AS started_at,
                        TIMESTAMPADD(SECOND, k * 2 + k % 60, ?) AS updated_at
                   FROM (SELECT ? + hi.n * 1000 + lo.n AS k
                           FROM seed_numbers hi CROSS JOIN seed_numbers lo
                          WHERE hi.n < ?) numbered) seeded`,
        [SEEDED_FROM, SEEDED_FROM, from, size / 1000],
      );
    }
  } finally {
    await dataSource.query('DROP TABLE seed_numbers');
  }
  await dataSource.query('ANALYZE TABLE saga_instance');
}

function digits(): string {
  return Array.from({ length: 10 }, (_, d) => `SELECT ${d} AS d`).join(' UNION ALL ');
}

/** The columns a listing plan test selects (what `SagaQueries.list` reads). */
const COLUMNS = `saga_id, saga_type, saga_version, business_key, status, current_step,
  failure_code, version, started_at, updated_at, ended_at`;

/** One access to `saga_instance` in a listing's plan. */
export interface TableAccess {
  readonly key: string | null;
  readonly type: string;
  readonly extra: string;
}

/** What one run of a listing query read and returned. */
export interface ListingRun {
  /** Each access to `saga_instance` in the plan (one per status sub-select). */
  readonly accesses: readonly TableAccess[];
  /** Whether a sort runs over `saga_instance` rows (rather than over the merged pages). */
  readonly sortsTable: boolean;
  /** Rows and index entries the server read (`Handler_read_*`), the merge included. */
  readonly rowsRead: number;
  readonly rowsReturned: number;
  readonly elapsedMs: number;
}

/** Runs listings on one connection of its own, and says what each read. */
export interface ListingProbe {
  /**
   * Explains and runs `query`: the plan's accesses to `saga_instance`, and how many rows
   * the server read for it (the session's `Handler_read_*` counters before and after; both
   * MySQL and MariaDB keep them).
   */
  run(query: SagaListQuery): Promise<ListingRun>;
  /** Gives the connection back. */
  release(): Promise<void>;
}

/** Opens a {@link ListingProbe} on a connection taken from `dataSource`'s pool. */
export async function openListingProbe(dataSource: DataSource): Promise<ListingProbe> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  // What reading the counters itself adds to them (it reads a temporary table).
  const first = await handlerReads(runner);
  const ownReads = (await handlerReads(runner)) - first;
  return {
    async run(query) {
      const listing = buildSagaListing(query, COLUMNS);
      if (listing === null) throw new Error('the query lists no status');
      const plan = (await runner.query(`EXPLAIN ${listing.sql}`, [...listing.params])) as {
        table: string | null;
        key: string | null;
        type: string;
        Extra: string | null;
      }[];
      const accesses = plan
        .filter((row) => row.table === 'saga_instance')
        .map((row) => ({ key: row.key, type: row.type, extra: row.Extra ?? '' }));
      const before = await handlerReads(runner);
      const started = performance.now();
      const rows = (await runner.query(listing.sql, [...listing.params])) as unknown[];
      const elapsedMs = performance.now() - started;
      const after = await handlerReads(runner);
      return {
        accesses,
        sortsTable: accesses.some((access) => access.extra.includes('filesort')),
        rowsRead: after - before - ownReads,
        rowsReturned: rows.length,
        elapsedMs,
      };
    },
    release: () => runner.release(),
  };
}

async function handlerReads(runner: QueryRunner): Promise<number> {
  const rows = (await runner.query("SHOW SESSION STATUS LIKE 'Handler_read%'")) as {
    Variable_name: string;
    Value: string;
  }[];
  return rows.reduce((sum, row) => sum + Number(row.Value), 0);
}

/** A listing of the plan test and the benchmark, with the statuses it reads. */
export interface ListingCase {
  readonly name: string;
  readonly query: SagaListQuery;
}

/**
 * The listings an operator runs, over a table seeded by {@link seedSagaInstances} with
 * `rows` sagas: every status filter shape, each sort and order, type and business key,
 * time windows, stuck sagas, and a next page.
 */
export function listingCases(rows: number): readonly ListingCase[] {
  const lastDay = new Date(seededStart(rows).getTime() - 86_400_000);
  const quarter = seededStart(Math.floor(rows / 4));
  const middle = seededStart(Math.floor(rows / 2));
  const statuses = (...list: SagaStatus[]) => list;
  return [
    { name: 'newest', query: { limit: 50 } },
    { name: 'status COMPLETED', query: { limit: 50, status: 'COMPLETED' } },
    { name: 'status COMPENSATION_FAILED', query: { limit: 50, status: 'COMPENSATION_FAILED' } },
    {
      name: 'statuses RUNNING+COMPENSATING',
      query: { limit: 50, status: statuses('RUNNING', 'COMPENSATING') },
    },
    { name: 'type', query: { limit: 50, sagaType: 'refund' } },
    { name: 'type + status', query: { limit: 50, sagaType: 'refund', status: 'COMPENSATED' } },
    { name: 'business key', query: { limit: 50, businessKey: `bk-${3 * Math.floor(rows / 9)}` } },
    {
      name: 'type + business key',
      query: {
        limit: 50,
        sagaType: SEEDED_TYPES[0],
        businessKey: `bk-${3 * Math.floor(rows / 9)}`,
      },
    },
    { name: 'started in the last day', query: { limit: 50, startedAfter: lastDay } },
    {
      name: 'started before the middle, oldest first',
      query: { limit: 50, startedBefore: middle, order: 'asc' },
    },
    { name: 'updated, newest change first', query: { limit: 50, sort: 'updated' } },
    {
      name: 'updated in a window, several statuses',
      query: {
        limit: 50,
        updatedAfter: quarter,
        updatedBefore: middle,
        status: statuses('COMPLETED', 'COMPENSATED'),
      },
    },
    { name: 'stuck, longest first', query: { limit: 50, stuckSince: middle, order: 'asc' } },
    { name: 'stuck, by start', query: { limit: 50, stuckSince: middle, sort: 'started' } },
    {
      name: 'type + statuses, by change, oldest first',
      query: {
        limit: 50,
        sagaType: 'place-order',
        status: statuses('RUNNING', 'COMPENSATING', 'COMPENSATION_FAILED'),
        sort: 'updated',
        order: 'asc',
      },
    },
    { name: 'page size 500', query: { limit: 500, status: 'COMPENSATED' } },
  ];
}
