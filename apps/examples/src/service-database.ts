import { type MysqlEnvConfig } from '@sagaflow/config';
import {
  createDataSource,
  mysqlTls,
  participantEntities,
  participantMigrations,
  runMigrationsExclusively,
} from '@sagaflow/mysql';
import { type DataSource } from 'typeorm';

import { type ExampleServiceName } from './config';
import { exampleServices } from './example-services';

/** Options of {@link openServiceDatabase}. */
export interface OpenServiceDatabaseOptions {
  /** Create the database when it does not exist. @defaultValue `true` */
  readonly create?: boolean;
  /** Connections in the pool. @defaultValue `mysql.poolSize` */
  readonly poolSize?: number;
}

/**
 * Opens an example service's database, creating it if needed, and brings its schema up to
 * date: the Sagaflow participant tables, then the service's own. Several processes may do
 * this at once (a service and a seeding test, say): migrations run under a MySQL named lock
 * (`runMigrationsExclusively` of `@sagaflow/mysql`), so they run once; a lock held longer
 * than 60 s fails with a retryable `MIGRATION_LOCK_TIMEOUT`. The caller destroys the data
 * source.
 *
 * @example
 * ```ts
 * const config = loadServiceConfig('payment-service', process.env);
 * const dataSource = await openServiceDatabase('payment-service', config.mysql);
 * ```
 */
export async function openServiceDatabase(
  service: ExampleServiceName,
  mysql: MysqlEnvConfig,
  options: OpenServiceDatabaseOptions = {},
): Promise<DataSource> {
  const connection = {
    type: mysql.driver,
    host: mysql.host,
    port: mysql.port,
    username: mysql.user,
    password: mysql.password,
    ssl: mysqlTls(mysql.ssl),
  };
  if (options.create ?? true) {
    // information_schema is there for every user, whatever the grants.
    const admin = createDataSource({ ...connection, database: 'information_schema', poolSize: 1 });
    await admin.initialize();
    try {
      await admin.query(
        `CREATE DATABASE IF NOT EXISTS \`${mysql.database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`,
      );
    } finally {
      await admin.destroy();
    }
  }
  const { entities, migrations } = exampleServices[service];
  const dataSource = createDataSource({
    ...connection,
    database: mysql.database,
    entities: [...participantEntities, ...entities],
    migrations: [...participantMigrations, ...migrations],
    poolSize: options.poolSize ?? mysql.poolSize,
  });
  await dataSource.initialize();
  try {
    await runMigrationsExclusively(dataSource);
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
  return dataSource;
}
