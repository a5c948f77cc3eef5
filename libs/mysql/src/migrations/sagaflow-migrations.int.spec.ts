import { type DataSource } from 'typeorm';

import {
  createTestDatabase,
  type TestDatabase,
  type TestSchema,
} from '../__fixtures__/test-database';
import { OUTBOX_SHARD_COUNT } from '../outbox-shard';

const TABLES: Record<TestSchema, readonly string[]> = {
  orchestrator: [
    'dead_letter',
    'event_process',
    'outbox',
    'outbox_shard',
    'saga_event',
    'saga_instance',
  ],
  participant: ['dead_letter', 'event_process', 'outbox', 'outbox_shard', 'step_result'],
};

async function tables(dataSource: DataSource): Promise<string[]> {
  const rows = await dataSource.query<{ name: string }[]>(
    `SELECT table_name AS name FROM information_schema.tables
      WHERE table_schema = DATABASE() AND table_name <> 'migrations' ORDER BY table_name`,
  );
  return rows.map((r) => r.name);
}

describe.each(['orchestrator', 'participant'] as const)('%s migrations', (schema) => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase(schema);
  });
  afterAll(async () => {
    await db.drop();
  });

  it('create the tables, and running them again changes nothing', async () => {
    expect(await tables(db.dataSource)).toEqual(TABLES[schema]);
    await expect(db.dataSource.runMigrations({ transaction: 'each' })).resolves.toEqual([]);
    const [row] = await db.dataSource.query<{ n: string }[]>(
      'SELECT COUNT(*) AS n FROM outbox_shard',
    );
    expect(Number(row?.n)).toBe(OUTBOX_SHARD_COUNT);
  });

  it('match the entities: TypeORM would change nothing', async () => {
    const sql = await db.dataSource.driver.createSchemaBuilder().log();
    expect(sql.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('go down to nothing and up again', async () => {
    const count = db.dataSource.migrations.length;
    for (let i = 0; i < count; i += 1) {
      await db.dataSource.undoLastMigration({ transaction: 'each' });
    }
    expect(await tables(db.dataSource)).toEqual([]);
    const applied = await db.dataSource.runMigrations({ transaction: 'each' });
    expect(applied).toHaveLength(count);
    expect(await tables(db.dataSource)).toEqual(TABLES[schema]);
  });
});
