import { randomBytes } from 'node:crypto';

import { type DataSource } from 'typeorm';

import { createDataSource } from '../create-data-source';
import { orchestratorEntities, participantEntities } from '../entities/sagaflow-entities';
import { orchestratorMigrations, participantMigrations } from '../migrations/sagaflow-migrations';

/** Which Sagaflow tables a test database gets. */
export type TestSchema = 'orchestrator' | 'participant';

/** Options of {@link TestDatabase.open}. */
export interface OpenOptions {
  /** @defaultValue true */
  readonly migrations?: boolean;
  /** @defaultValue 8 */
  readonly poolSize?: number;
  /** @defaultValue false */
  readonly multipleStatements?: boolean;
}

/** A database of its own for one test file: `sagaflow_it_<random>`. */
export interface TestDatabase {
  readonly name: string;
  /** The data source the database was migrated with (pool of 8). */
  readonly dataSource: DataSource;
  /** Opens another, independent data source on the database (another process, say). */
  open(options?: OpenOptions): Promise<DataSource>;
  /** Destroys every data source opened here and drops the database. */
  drop(): Promise<void>;
}

/** Creates `sagaflow_it_<random>`, migrates it for `schema` and connects to it. */
export async function createTestDatabase(schema: TestSchema): Promise<TestDatabase> {
  const name = `sagaflow_it_${randomBytes(6).toString('hex')}`;
  const admin = createDataSource({ database: 'mysql', poolSize: 1 });
  await admin.initialize();
  try {
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  } finally {
    await admin.destroy();
  }
  const opened: DataSource[] = [];
  const open = async (options: OpenOptions = {}) => {
    const dataSource = createDataSource({
      database: name,
      entities: schema === 'orchestrator' ? [...orchestratorEntities] : [...participantEntities],
      migrations:
        options.migrations === false
          ? []
          : schema === 'orchestrator'
            ? [...orchestratorMigrations]
            : [...participantMigrations],
      poolSize: options.poolSize ?? 8,
      multipleStatements: options.multipleStatements ?? false,
    });
    await dataSource.initialize();
    opened.push(dataSource);
    return dataSource;
  };
  const dataSource = await open();
  await dataSource.runMigrations({ transaction: 'each' });
  return {
    name,
    dataSource,
    open,
    drop: async () => {
      await Promise.all(opened.filter((d) => d.isInitialized).map((d) => d.destroy()));
      const dropper = createDataSource({ database: 'mysql', poolSize: 1 });
      await dropper.initialize();
      try {
        await dropper.query(`DROP DATABASE IF EXISTS \`${name}\``);
      } finally {
        await dropper.destroy();
      }
    },
  };
}
