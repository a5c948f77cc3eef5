import { randomBytes } from 'node:crypto';

import { InvalidArgumentError, TransientError } from '@sagaflow/core';
import { type DataSource } from 'typeorm';

import { createDataSource } from './create-data-source';
import { orchestratorEntities } from './entities/sagaflow-entities';
import { orchestratorMigrations } from './migrations/sagaflow-migrations';
import { migrationLockName, runMigrationsExclusively } from './run-migrations-exclusively';

const database = `sagaflow_it_${randomBytes(6).toString('hex')}`;

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

  it('lets processes starting together migrate one after the other', async () => {
    const [first, second] = await Promise.all([open(), open()]);
    opened.push(first, second);

    const applied = await Promise.all([
      runMigrationsExclusively(first),
      runMigrationsExclusively(second),
    ]);

    expect(applied.map((names) => names.length).sort()).toEqual([0, orchestratorMigrations.length]);
    expect(applied.flat().sort()).toEqual(orchestratorMigrations.map((m) => m.name).sort());
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
    // The lock is released: another session takes it at once.
    const [lock] = await second.query<{ free: number | string }[]>(
      'SELECT IS_FREE_LOCK(?) AS free',
      [migrationLockName(database)],
    );
    expect(Number(lock?.free)).toBe(1);
  });

  it('gives up when another session holds the lock past the wait, and migrates once it is free', async () => {
    const holder = await open();
    const waiter = await open();
    opened.push(holder, waiter);
    await holder.query('SELECT GET_LOCK(?, 10)', [migrationLockName(database)]);

    const refused = runMigrationsExclusively(waiter, { waitSeconds: 1 });
    await expect(refused).rejects.toBeInstanceOf(TransientError);
    await expect(refused).rejects.toMatchObject({
      code: 'MIGRATION_LOCK_TIMEOUT',
      retryable: true,
      context: { lockName: migrationLockName(database) },
    });

    await holder.query('SELECT RELEASE_LOCK(?)', [migrationLockName(database)]);
    expect(await runMigrationsExclusively(waiter, { waitSeconds: 1 })).toEqual([]);
  });

  it('takes the lock name it is given, and refuses bad options before locking', async () => {
    const holder = await open();
    const waiter = await open();
    opened.push(holder, waiter);
    const lockName = `sagaflow-it-lock-${randomBytes(4).toString('hex')}`;
    await holder.query('SELECT GET_LOCK(?, 10)', [lockName]);

    await expect(
      runMigrationsExclusively(waiter, { lockName, waitSeconds: 1 }),
    ).rejects.toMatchObject({ context: { lockName } });
    await holder.query('SELECT RELEASE_LOCK(?)', [lockName]);
    await expect(runMigrationsExclusively(waiter, { waitSeconds: 0 })).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    await expect(runMigrationsExclusively(waiter, { lockName: 'x'.repeat(65) })).rejects.toThrow(
      'lockName=',
    );
  });

  it('names the lock after the database, within 64 characters', () => {
    expect(migrationLockName('sagaflow')).toBe('sagaflow-migrations-sagaflow');
    expect(migrationLockName('d'.repeat(80))).toHaveLength(64);
  });
});
