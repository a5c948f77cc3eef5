import { type DataSource } from 'typeorm';

/**
 * Resolves once a statement whose text contains `marker` is running on another connection
 * (an INSERT stays there only while it waits for a row lock), for at most 4 s. The process
 * list is read rather than `innodb_trx`, which the server refreshes only after 100 ms
 * without readers — other suites polling it could keep it stale.
 */
export async function waitForLockWait(dataSource: DataSource, marker: string): Promise<void> {
  const deadline = Date.now() + 4_000;
  while (Date.now() < deadline) {
    const rows = await dataSource.query<unknown[]>(
      `SELECT 1 FROM information_schema.processlist
        WHERE id <> CONNECTION_ID() AND info LIKE ?`,
      [`%${marker}%`],
    );
    if (rows.length > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`no statement mentioning ${marker} is running`);
}
