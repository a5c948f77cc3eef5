import { randomUUID } from 'node:crypto';

import {
  type DataSource,
  EntitySchema,
  type MigrationInterface,
  QueryFailedError,
  type QueryRunner,
} from 'typeorm';

import { createDataSource } from './create-data-source';
import { insertOrDuplicate } from './insert-or-duplicate';
import { isDeadlockError, isDuplicateKeyError } from './is-duplicate-key-error';

const suffix = randomUUID().replace(/-/g, '').slice(0, 10);
const table = `it_widget_${suffix}`;
const migrationsTable = `it_migrations_${suffix}`;

interface Widget {
  id: string;
  name: string;
  quantity: number;
}

// TypeORM declares EntitySchemaOptions as a class, but an object literal is its documented
// use; the strict rule cannot tell the two apart.

const WidgetSchema = new EntitySchema<Widget>({
  name: 'Widget',
  tableName: table,
  columns: {
    id: { type: 'varchar', length: 64, primary: true },
    name: { type: 'varchar', length: 100 },
    quantity: { type: 'int' },
  },
});

/** A migration whose table name is unique to this run (other suites share the database). */
class CreateWidgets1700000000000 implements MigrationInterface {
  readonly name = `CreateWidgets${suffix}1700000000000`;
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE \`${table}\` (
         \`id\` varchar(64) NOT NULL,
         \`name\` varchar(100) NOT NULL,
         \`quantity\` int NOT NULL,
         PRIMARY KEY (\`id\`)
       ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`,
    );
  }
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE \`${table}\``);
  }
}

describe('TypeORM data source on the local MariaDB/MySQL', () => {
  let dataSource: DataSource;

  const tableExists = async (name: string): Promise<boolean> => {
    const rows = await dataSource.query<unknown[]>(
      'SELECT 1 FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?',
      [name],
    );
    return rows.length === 1;
  };
  const widgets = async (): Promise<Widget[]> =>
    dataSource.getRepository(WidgetSchema).find({ order: { id: 'ASC' } });

  beforeAll(async () => {
    dataSource = createDataSource({
      database: 'sagaflow_test',
      entities: [WidgetSchema],
      migrations: [CreateWidgets1700000000000],
      migrationsTableName: migrationsTable,
      poolSize: 4,
    });
    await dataSource.initialize();
  });

  afterAll(async () => {
    await dataSource.query(`DROP TABLE IF EXISTS \`${table}\``);
    await dataSource.query(`DROP TABLE IF EXISTS \`${migrationsTable}\``);
    await dataSource.destroy();
  });

  it('connects with utf8mb4 and the configured driver type', async () => {
    expect(dataSource.options.type).toBe('mariadb');
    const [row] = await dataSource.query<{ charset: string }[]>(
      'SELECT @@character_set_connection AS charset',
    );
    expect(row?.charset).toBe('utf8mb4');
  });

  it('runs a migration up and down, recording it', async () => {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    expect(applied.map((m) => m.name)).toEqual([`CreateWidgets${suffix}1700000000000`]);
    expect(await tableExists(table)).toBe(true);
    expect(await dataSource.showMigrations()).toBe(false);

    await dataSource.undoLastMigration({ transaction: 'each' });
    expect(await tableExists(table)).toBe(false);
    expect(await dataSource.showMigrations()).toBe(true);

    await dataSource.runMigrations({ transaction: 'each' });
    expect(await tableExists(table)).toBe(true);
  });

  it('commits a transaction and rolls one back', async () => {
    await dataSource.transaction(async (manager) => {
      await manager.insert(WidgetSchema, { id: 'a', name: 'bolt', quantity: 5 });
      await manager.insert(WidgetSchema, { id: 'b', name: 'nut', quantity: 7 });
    });
    expect(await widgets()).toEqual([
      { id: 'a', name: 'bolt', quantity: 5 },
      { id: 'b', name: 'nut', quantity: 7 },
    ]);

    await expect(
      dataSource.transaction(async (manager) => {
        await manager.insert(WidgetSchema, { id: 'c', name: 'gear', quantity: 1 });
        await manager.update(WidgetSchema, { id: 'a' }, { quantity: 0 });
        throw new Error('business rule failed');
      }),
    ).rejects.toThrow('business rule failed');
    expect(await widgets()).toEqual([
      { id: 'a', name: 'bolt', quantity: 5 },
      { id: 'b', name: 'nut', quantity: 7 },
    ]);
  });

  it('reports a duplicate primary key as a typed duplicate result', async () => {
    const manager = dataSource.manager;
    expect(
      await insertOrDuplicate(manager, WidgetSchema, { id: 'd', name: 'x', quantity: 1 }),
    ).toEqual({ inserted: true, duplicate: false });
    expect(
      await insertOrDuplicate(manager, WidgetSchema, { id: 'd', name: 'y', quantity: 2 }),
    ).toEqual({ inserted: false, duplicate: true });
    expect(await dataSource.getRepository(WidgetSchema).findOneBy({ id: 'd' })).toEqual({
      id: 'd',
      name: 'x',
      quantity: 1,
    });

    const raw = await manager
      .insert(WidgetSchema, { id: 'd', name: 'z', quantity: 3 })
      .catch((e: unknown) => e);
    expect(raw).toBeInstanceOf(QueryFailedError);
    expect(isDuplicateKeyError(raw)).toBe(true);
    expect(isDeadlockError(raw)).toBe(false);
  });

  it('a duplicate inside a transaction leaves the transaction usable', async () => {
    const outcome = await dataSource.transaction(async (manager) => {
      const duplicate = await insertOrDuplicate(manager, WidgetSchema, {
        id: 'a',
        name: 'again',
        quantity: 9,
      });
      await manager.insert(WidgetSchema, { id: 'e', name: 'washer', quantity: 3 });
      return duplicate;
    });
    expect(outcome.duplicate).toBe(true);
    expect((await widgets()).map((w) => w.id)).toEqual(['a', 'b', 'd', 'e']);
  });

  it('other errors are thrown, not reported as duplicates', async () => {
    await expect(
      insertOrDuplicate(dataSource.manager, WidgetSchema, {
        id: 'f',
        // NOT NULL violation: an error under every sql_mode.
        name: null as unknown as string,
        quantity: 1,
      }),
    ).rejects.toBeInstanceOf(QueryFailedError);
  });

  it('claims rows with FOR UPDATE SKIP LOCKED, skipping rows another transaction holds', async () => {
    const holder = dataSource.createQueryRunner();
    await holder.connect();
    await holder.startTransaction();
    try {
      await holder.query(`SELECT id FROM \`${table}\` WHERE id = 'a' FOR UPDATE`);
      const claimed = await dataSource.transaction(async (manager) =>
        manager
          .createQueryBuilder(WidgetSchema, 'w')
          .setLock('pessimistic_write')
          .setOnLocked('skip_locked')
          .orderBy('w.id', 'ASC')
          .limit(10)
          .getMany(),
      );
      expect(claimed.map((w) => w.id)).toEqual(['b', 'd', 'e']);
    } finally {
      await holder.rollbackTransaction();
      await holder.release();
    }
  });

  it('recognises a deadlock victim', async () => {
    const first = dataSource.createQueryRunner();
    const second = dataSource.createQueryRunner();
    await Promise.all([first.connect(), second.connect()]);
    try {
      await first.startTransaction();
      await second.startTransaction();
      await first.query(`UPDATE \`${table}\` SET quantity = quantity + 1 WHERE id = 'a'`);
      await second.query(`UPDATE \`${table}\` SET quantity = quantity + 1 WHERE id = 'b'`);
      // Each now waits for the other's row: the server kills one of them at once.
      const outcomes = await Promise.allSettled([
        first.query(`UPDATE \`${table}\` SET quantity = quantity + 1 WHERE id = 'b'`),
        second.query(`UPDATE \`${table}\` SET quantity = quantity + 1 WHERE id = 'a'`),
      ]);
      const failures = outcomes.filter((o) => o.status === 'rejected');
      expect(failures).toHaveLength(1);
      expect(isDeadlockError(failures[0]?.reason)).toBe(true);
      expect(isDuplicateKeyError(failures[0]?.reason)).toBe(false);
    } finally {
      await Promise.allSettled([first.rollbackTransaction(), second.rollbackTransaction()]);
      await Promise.all([first.release(), second.release()]);
    }
  });
});
