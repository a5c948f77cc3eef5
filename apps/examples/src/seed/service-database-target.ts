import { INFRA_DEFAULTS, type MysqlDriver } from '@sagaflow/config';
import { type DataSource } from 'typeorm';

import { type ExampleServiceName } from '../config';
import { openServiceDatabase } from '../service-database';

/** Where an example service's database is, for seeding and reading it from outside. */
export interface ServiceDatabaseConnection {
  /** The service's database, e.g. `sagaflow_payments`. */
  readonly database: string;
  /** @defaultValue `'127.0.0.1'` */
  readonly host?: string;
  /** @defaultValue `3306` */
  readonly port?: number;
  /** @defaultValue `'root'` */
  readonly user?: string;
  /** @defaultValue `''` */
  readonly password?: string;
  /** @defaultValue `'mariadb'` */
  readonly driver?: MysqlDriver;
  /** TLS, as `SAGAFLOW_MYSQL_SSL` and `SAGAFLOW_MYSQL_SSL_CA_FILE` give it. @defaultValue off */
  readonly ssl?: { readonly enabled: boolean; readonly caFile: string };
}

/** An open data source of the service's database, or where to open one. */
export type ServiceDatabaseTarget = DataSource | ServiceDatabaseConnection;

/**
 * Runs `work` on the service's database: on the given data source, or on one opened (and
 * migrated, so seeding may come before the service's first start) for the call and
 * destroyed after it.
 */
export async function withServiceDatabase<T>(
  service: ExampleServiceName,
  target: ServiceDatabaseTarget,
  work: (dataSource: DataSource) => Promise<T>,
): Promise<T> {
  if (isDataSource(target)) return work(target);
  const connection = target;
  const d = INFRA_DEFAULTS.mysql;
  const dataSource = await openServiceDatabase(service, {
    database: connection.database,
    host: connection.host ?? d.host,
    port: connection.port ?? d.port,
    user: connection.user ?? d.user,
    password: connection.password ?? d.password,
    driver: connection.driver ?? d.driver,
    poolSize: 2,
    ssl: connection.ssl ?? { enabled: false, caFile: '' },
  });
  try {
    return await work(dataSource);
  } finally {
    await dataSource.destroy();
  }
}

function isDataSource(target: ServiceDatabaseTarget): target is DataSource {
  return typeof (target as Partial<DataSource>).transaction === 'function';
}
