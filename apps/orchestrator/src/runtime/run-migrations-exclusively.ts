import { type DataSource, MigrationExecutor } from 'typeorm';

import { MigrationLockTimeoutError } from './migration-lock-timeout-error';

/** MySQL limits user lock names to 64 characters. */
const MAX_LOCK_NAME_LENGTH = 64;

/** The name of the advisory lock that serialises the migrations of one database. */
export function migrationLockName(database: string): string {
  return `sagaflow-migrations-${database}`.slice(0, MAX_LOCK_NAME_LENGTH);
}

/**
 * Runs the pending migrations (each in its own transaction) while holding a MySQL advisory
 * lock (`GET_LOCK`) named after the database, so that instances starting together migrate
 * one after the other instead of racing on the same `CREATE TABLE`: the second finds the
 * migrations applied and does nothing. The lock and the migrations share one connection,
 * so a pool of one connection is enough. Returns the names of the migrations applied.
 *
 * @throws MigrationLockTimeoutError when the lock is not free within `waitSeconds`.
 *
 * @example
 * ```ts
 * await dataSource.initialize();
 * const applied = await runMigrationsExclusively(dataSource, 'sagaflow');
 * ```
 */
export async function runMigrationsExclusively(
  dataSource: DataSource,
  database: string,
  waitSeconds = 60,
): Promise<string[]> {
  const lockName = migrationLockName(database);
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    const rows = (await runner.query('SELECT GET_LOCK(?, ?) AS acquired', [
      lockName,
      waitSeconds,
    ])) as readonly { readonly acquired: number | string | null }[];
    if (Number(rows[0]?.acquired) !== 1) throw new MigrationLockTimeoutError(lockName, waitSeconds);
    try {
      const executor = new MigrationExecutor(dataSource, runner);
      executor.transaction = 'each';
      const applied = await executor.executePendingMigrations();
      return applied.map((migration) => migration.name);
    } finally {
      await runner.query('SELECT RELEASE_LOCK(?)', [lockName]);
    }
  } finally {
    await runner.release();
  }
}
