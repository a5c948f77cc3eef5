/**
 * One table's bounded delete: removes at most `limit` finished rows and resolves how many
 * went (`MySqlOutbox.deletePublishedBefore`, `MySqlEventProcessStore.deleteDoneBefore`,
 * `StepResults.deleteBefore`, with the cut-off bound).
 */
export type PurgeBatch = (limit: number) => Promise<number>;

/** Rows deleted per statement: small transactions that never hold the table for long. */
const BATCH_SIZE = 1000;
/** Statements per table and run; a larger backlog is finished by the next runs. */
const MAX_BATCHES = 100;

/**
 * Deletes finished rows table after table, a batch at a time until a batch comes out short,
 * and returns how many went from each: the purge the orchestrator and every participant run
 * on a schedule. Tables are purged one after the other, never at once, so a purge costs the
 * database one small transaction at a time. Bounded per table and run (100 000 rows), so one
 * run after a long pause cannot monopolise the maintenance worker.
 *
 * @example
 * ```ts
 * const before = new Date(Date.now() - 7 * 86_400_000);
 * const deleted = await purgeFinished({
 *   outbox: (limit) => outbox.deletePublishedBefore(before, limit),
 *   event_process: (limit) => eventProcess.deleteDoneBefore(before, limit),
 * });
 * // { outbox: 1200, event_process: 2400 }
 * ```
 */
export async function purgeFinished<Table extends string>(
  tables: Readonly<Record<Table, PurgeBatch>>,
): Promise<Record<Table, number>> {
  const deleted = {} as Record<Table, number>;
  for (const table of Object.keys(tables) as Table[]) {
    deleted[table] = await purgeTable(tables[table]);
  }
  return deleted;
}

async function purgeTable(deleteBatch: PurgeBatch): Promise<number> {
  let deleted = 0;
  for (let batch = 0; batch < MAX_BATCHES; batch += 1) {
    const count = await deleteBatch(BATCH_SIZE);
    deleted += count;
    if (count < BATCH_SIZE) break;
  }
  return deleted;
}
