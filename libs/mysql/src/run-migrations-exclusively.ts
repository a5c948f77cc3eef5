import { checkOptions, isNonEmptyString, isPositiveInteger, TransientError } from '@sagaflow/core';
import { type DataSource, MigrationExecutor } from 'typeorm';

/** MySQL limits user lock names to 64 characters. */
const MAX_LOCK_NAME_LENGTH = 64;

/** Options of {@link runMigrationsExclusively}. */
export interface RunMigrationsExclusivelyOptions {
  /**
   * How long to wait for another process that holds the lock, in whole seconds.
   * @defaultValue `60`
   */
  readonly waitSeconds?: number;
  /**
   * The name of the MySQL user lock, at most 64 characters.
   * @defaultValue `migrationLockName(database)` of the data source's database
   */
  readonly lockName?: string;
}

/**
 * The name of the lock that serialises the migrations of one database:
 * `sagaflow-migrations-<database>`, cut to MySQL's 64 characters.
 */
export function migrationLockName(database: string): string {
  return `sagaflow-migrations-${database}`.slice(0, MAX_LOCK_NAME_LENGTH);
}

/**
 * Runs the data source's pending migrations (each in its own transaction) while holding a
 * MySQL user lock (`GET_LOCK`) named after its database, so that processes starting
 * together — instances of a service, a service and a test seeding its database — migrate
 * one after the other instead of racing on the same `CREATE TABLE`: the later ones find
 * the migrations applied and do nothing. The lock and the migrations share one connection,
 * so a pool of one connection is enough. Returns the names of the migrations applied.
 *
 * @throws TransientError (`MIGRATION_LOCK_TIMEOUT`, retryable) when the lock is not free
 * within `waitSeconds`: start again later.
 * @throws InvalidArgumentError for a bad option, or a data source without a database name.
 *
 * @example
 * ```ts
 * await dataSource.initialize();
 * const applied = await runMigrationsExclusively(dataSource);
 * if (applied.length > 0) logger.info('migrations applied', { applied });
 * ```
 */
export async function runMigrationsExclusively(
  dataSource: DataSource,
  options: RunMigrationsExclusivelyOptions = {},
): Promise<string[]> {
  const { database } = dataSource.options as { readonly database?: unknown };
  const waitSeconds = options.waitSeconds ?? 60;
  const lockName =
    options.lockName ?? (typeof database === 'string' ? migrationLockName(database) : '');
  checkOptions('runMigrationsExclusively', [
    ['waitSeconds', waitSeconds, isPositiveInteger(waitSeconds), 'an integer > 0'],
    [
      'lockName',
      lockName,
      isNonEmptyString(lockName) && lockName.length <= MAX_LOCK_NAME_LENGTH,
      '1 to 64 characters (the data source names no database: pass one)',
    ],
  ]);
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    const rows = (await runner.query('SELECT GET_LOCK(?, ?) AS acquired', [
      lockName,
      waitSeconds,
    ])) as readonly { readonly acquired: number | string | null }[];
    if (Number(rows[0]?.acquired) !== 1) {
      throw new TransientError(
        'MIGRATION_LOCK_TIMEOUT',
        `the migration lock '${lockName}' was not free within ${waitSeconds} s`,
        { context: { lockName } },
      );
    }
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
