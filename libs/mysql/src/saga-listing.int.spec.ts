import {
  listingCases,
  type ListingProbe,
  openListingProbe,
  seedSagaInstances,
} from './__fixtures__/saga-listing-table';
import { createTestDatabase, type TestDatabase } from './__fixtures__/test-database';
import { type SagaListQuery } from './saga-listing';
import { SagaQueries } from './saga-queries';

/** A busy production table: a million sagas, nearly all ended. */
const ROWS = 1_000_000;

const BUSINESS_KEY_INDEXES = ['ix_saga_instance_business_key', 'uq_saga_instance_business_key'];

let db: TestDatabase;
let probe: ListingProbe;
let activeSagas: number;

beforeAll(async () => {
  db = await createTestDatabase('orchestrator');
  await seedSagaInstances(db.dataSource, ROWS);
  probe = await openListingProbe(db.dataSource);
  activeSagas = await new SagaQueries(db.dataSource).countActive();
}, 600_000);
afterAll(async () => {
  await probe.release();
  await db.drop();
});

/** How many statuses a listing reads: one index range each. */
function statusesOf(query: SagaListQuery): number {
  const asked =
    query.status === undefined ? 5 : typeof query.status === 'string' ? 1 : query.status.length;
  return query.stuckSince === undefined ? asked : Math.min(asked, 3);
}

/**
 * The most a listing of one page may read: each status's index range yields at most a page
 * and one more row (after one lookup); the merge reads those rows from its temporary table,
 * then the page, sorted, once more.
 */
function pageReads(statuses: number, limit: number): number {
  return statuses * (limit + 2) + statuses * (limit + 1) + (limit + 1) + 10;
}

describe(`saga listings over ${ROWS.toLocaleString('en')} saga_instance rows`, () => {
  it('seeded the table', async () => {
    const counts = await new SagaQueries(db.dataSource).counts();
    expect(counts.total).toBe(ROWS);
    expect(counts.byStatus.COMPENSATION_FAILED).toBe(ROWS / 10_000);
    expect(activeSagas).toBe((ROWS / 10_000) * 7);
  });

  it.each(listingCases(ROWS).map((c) => [c.name, c.query] as const))(
    '%s: reads an index in order and a bounded number of rows',
    async (_name, query) => {
      const run = await probe.run(query);
      const statuses = statusesOf(query);
      // A business key's sub-selects that its unique row rules out read nothing at all.
      if (query.businessKey === undefined) expect(run.accesses).toHaveLength(statuses);
      for (const access of run.accesses) {
        expect(access.key).not.toBeNull();
        expect(access.type).not.toBe('ALL');
        expect(access.type).not.toBe('index');
      }
      if (query.businessKey !== undefined) {
        // A business key is unique per type: its few rows, sorted.
        for (const access of run.accesses) expect(BUSINESS_KEY_INDEXES).toContain(access.key);
        expect(run.rowsRead).toBeLessThanOrEqual(4 * statuses + 10);
        return;
      }
      expect(run.sortsTable).toBe(false);
      const pages = pageReads(statuses, query.limit);
      // By start time, stuck ones are the in-flight sagas that have not changed since: the
      // sagas in flight are read and filtered (admission control bounds how many there are).
      const bound =
        query.stuckSince !== undefined && query.sort === 'started' ? pages + activeSagas : pages;
      expect(run.rowsRead).toBeLessThanOrEqual(bound);
      expect(run.rowsReturned).toBeLessThanOrEqual(query.limit + 1);
    },
  );

  it('reads a later page as cheaply as the first', async () => {
    const queries = new SagaQueries(db.dataSource);
    let cursor: string | null = null;
    for (let page = 0; page < 3; page += 1) {
      const next: { nextCursor: string | null } = await queries.list({
        limit: 100,
        status: ['COMPLETED', 'COMPENSATED'],
        ...(cursor === null ? {} : { cursor }),
      });
      cursor = next.nextCursor;
    }
    expect(cursor).not.toBeNull();
    const run = await probe.run({
      limit: 100,
      status: ['COMPLETED', 'COMPENSATED'],
      cursor: cursor ?? '',
    });
    expect(run.sortsTable).toBe(false);
    expect(run.rowsRead).toBeLessThanOrEqual(pageReads(2, 100));
    expect(run.rowsReturned).toBe(101);
  });
});
