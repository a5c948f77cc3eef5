import { type Stack, StackDatabase, STACK_PROCESSES, type StackProcessName } from '@sagaflow/stack';

/** An open connection to each database of a stack. */
export type StackDatabases = Readonly<Record<StackProcessName, StackDatabase>> & {
  close(): Promise<void>;
};

/** Opens every database of the stack (the orchestrator's and the three services'). */
export async function openStackDatabases(stack: Stack): Promise<StackDatabases> {
  const entries = await Promise.all(
    STACK_PROCESSES.map(
      async (name) => [name, await StackDatabase.open(stack.databaseTarget(name))] as const,
    ),
  );
  const databases = Object.fromEntries(entries) as Record<StackProcessName, StackDatabase>;
  return {
    ...databases,
    close: async () => {
      await Promise.all(entries.map(([, db]) => db.close()));
    },
  };
}

/** Counts the rows of a table. */
export async function countRows(
  db: StackDatabase,
  table: string,
  where = '1 = 1',
  parameters: readonly unknown[] = [],
): Promise<number> {
  const [row] = await db.query<{ n: string | number }>(
    `SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`,
    parameters,
  );
  return Number(row?.n ?? 0);
}

/**
 * True when nothing is in flight anywhere in the stack: every EventProcess record is DONE
 * (none RECEIVED, PROCESSING or FAILED) and every outbox row is published, in every database.
 */
export async function stackIdle(dbs: StackDatabases): Promise<boolean> {
  for (const name of STACK_PROCESSES) {
    if ((await countRows(dbs[name], 'event_process', "status <> 'DONE'")) > 0) return false;
    if ((await countRows(dbs[name], 'outbox', 'published_at IS NULL')) > 0) return false;
  }
  return true;
}
