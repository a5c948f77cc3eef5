/**
 * `npm run bench:listings -- [--rows N] [--runs N]`: seeds a database of its own with
 * `--rows` saga_instance rows (default 1,000,000), runs each saga listing an operator uses
 * (`listingCases`: statuses, types, business keys, time windows, stuck sagas, both sorts)
 * `--runs` times (default 200) on one connection, and prints one JSON line per listing with
 * its p50, p99 and max in milliseconds and the rows the server read. The database is dropped
 * afterwards.
 */
import { parseArgs } from 'node:util';

import {
  listingCases,
  openListingProbe,
  seedSagaInstances,
} from '../src/__fixtures__/saga-listing-table';
import { createTestDatabase } from '../src/__fixtures__/test-database';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '200' },
  },
});
const rows = Number(values.rows);
const runs = Number(values.runs);
if (!Number.isInteger(rows) || rows < 1000 || rows % 1000 !== 0) {
  throw new Error(`--rows must be a multiple of 1000, at least 1000: got ${values.rows}`);
}
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be ≥ 1: got ${values.runs}`);

const nearestRank = (sorted: readonly number[], p: number) =>
  sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? 0;
const ms = (value: number) => Math.round(value * 100) / 100;

async function main(): Promise<void> {
  const db = await createTestDatabase('orchestrator');
  try {
    const seeding = performance.now();
    await seedSagaInstances(db.dataSource, rows);
    process.stderr.write(
      `seeded ${rows} sagas in ${Math.round((performance.now() - seeding) / 1000)} s\n`,
    );
    const probe = await openListingProbe(db.dataSource);
    try {
      for (const { name, query } of listingCases(rows)) {
        const elapsed: number[] = [];
        let rowsRead = 0;
        for (let run = 0; run < runs; run += 1) {
          const result = await probe.run(query);
          elapsed.push(result.elapsedMs);
          rowsRead = Math.max(rowsRead, result.rowsRead);
        }
        elapsed.sort((a, b) => a - b);
        process.stdout.write(
          JSON.stringify({
            listing: name,
            rows,
            runs,
            p50_ms: ms(nearestRank(elapsed, 0.5)),
            p99_ms: ms(nearestRank(elapsed, 0.99)),
            max_ms: ms(elapsed.at(-1) ?? 0),
            rows_read: rowsRead,
          }) + '\n',
        );
      }
    } finally {
      await probe.release();
    }
  } finally {
    await db.drop();
  }
}

void main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
