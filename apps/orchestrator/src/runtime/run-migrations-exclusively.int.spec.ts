import { randomUUID } from 'node:crypto';

import { createDataSource, orchestratorEntities, orchestratorMigrations } from '@sagaflow/mysql';
import { type DataSource } from 'typeorm';

import { MigrationLockTimeoutError } from './migration-lock-timeout-error';
import { migrationLockName, runMigrationsExclusively } from './run-migrations-exclusively';

const database = `sagaflow_it_${randomUUID().slice(0, 8).replace(/-/g, '')}`;

function open(): Promise<DataSource> {
  // One connection each: the lock and the migrations share it.
  return createDataSource({
    database,
    poolSize: 1,
    entities: [...orchestratorEntities],
    migrations: [...orchestratorMigrations],
  }).initialize();
}

async function onServer(sql: string): Promise<void> {
  const admin = await createDataSource({ database: 'mysql', poolSize: 1 }).initialize();
  try {
    await admin.query(sql);
  } finally {
    await admin.destroy();
  }
}

describe('runMigrationsExclusively', () => {
  const opened: DataSource[] = [];

  beforeAll(() =>
    onServer(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`),
  );

  afterAll(async () => {
    await Promise.all(opened.filter((d) => d.isInitialized).map((d) => d.destroy()));
    await onServer(`DROP DATABASE IF EXISTS \`${database}\``);
  });

  it('lets instances starting together migrate one after the other', async () => {
    const [first, second] = await Promise.all([open(), open()]);
    opened.push(first, second);

    const applied = await Promise.all([
      runMigrationsExclusively(first, database),
      runMigrationsExclusively(second, database),
    ]);

    expect(applied.map((names) => names.length).sort()).toEqual([0, orchestratorMigrations.length]);
    const tables = await first.query<{ name: string }[]>(
      `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = ? ORDER BY 1`,
      [database],
    );
    expect(tables.map((t) => t.name)).toEqual(
      expect.arrayContaining([
        'saga_event',
        'saga_instance',
        'outbox',
        'event_process',
        'dead_letter',
      ]),
    );
  });

  it('gives up when another session holds the lock past the wait', async () => {
    const holder = await open();
    const waiter = await open();
    opened.push(holder, waiter);
    await holder.query('SELECT GET_LOCK(?, 10)', [migrationLockName(database)]);

    await expect(runMigrationsExclusively(waiter, database, 1)).rejects.toBeInstanceOf(
      MigrationLockTimeoutError,
    );

    await holder.query('SELECT RELEASE_LOCK(?)', [migrationLockName(database)]);
    expect(await runMigrationsExclusively(waiter, database, 1)).toEqual([]);
  });
});
