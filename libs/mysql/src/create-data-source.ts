import { MYSQL_DRIVERS, type MysqlDriver } from '@sagaflow/config';
import { checkOptions, isNonEmptyString, isPositiveInteger } from '@sagaflow/core';
import { DataSource, type EntitySchema, type MixedList } from 'typeorm';

import { type MysqlTlsOptions } from './mysql-tls';

/** Options of {@link createDataSource}. */
export interface MysqlDataSourceOptions {
  /**
   * TypeORM driver type: `mariadb` for MariaDB, `mysql` for MySQL 8. On MariaDB it must be
   * `mariadb`: with `mysql` TypeORM reads the 10.x/11.x version as "≥ 8" and emits
   * `FOR SHARE`, which MariaDB rejects.
   * @defaultValue `'mariadb'`
   */
  readonly type?: MysqlDriver;
  /** @defaultValue `'127.0.0.1'` */
  readonly host?: string;
  /** @defaultValue `3306` */
  readonly port?: number;
  /** @defaultValue `'root'` */
  readonly username?: string;
  /** @defaultValue `''` */
  readonly password?: string;
  /** The service's database, e.g. `sagaflow`. Required. */
  readonly database: string;
  /** Entity classes or schemas. @defaultValue `[]` */
  readonly entities?: MixedList<
    EntitySchema | (abstract new (...args: never[]) => unknown) | string
  >;
  /** Migration classes, run with `dataSource.runMigrations()`. @defaultValue `[]` */
  readonly migrations?: MixedList<(abstract new (...args: never[]) => unknown) | string>;
  /** Table that records applied migrations. @defaultValue `'migrations'` */
  readonly migrationsTableName?: string;
  /** Connections in the pool. @defaultValue `10` */
  readonly poolSize?: number;
  /** Time to open a connection, in ms. @defaultValue `10000` */
  readonly connectTimeoutMs?: number;
  /** Log every SQL statement through TypeORM's console logger (debugging only). @defaultValue `false` */
  readonly logging?: boolean;
  /**
   * Lets a query hold several statements, so that `MySqlEventStore` sends a transaction's
   * statements in one round trip (and a commit) instead of one each. Turn it on only for a
   * data source whose queries all take their values as parameters — never text spliced
   * into SQL, which multiple statements would let inject whole statements. The
   * orchestrator's is such a data source.
   * @defaultValue `false`
   */
  readonly multipleStatements?: boolean;
  /** TLS to the server, from `mysqlTls`. @defaultValue none: plain TCP */
  readonly ssl?: MysqlTlsOptions | undefined;
}

/** {@link MysqlDataSourceOptions} with every default applied. */
export type ResolvedMysqlDataSourceOptions = Required<Omit<MysqlDataSourceOptions, 'ssl'>> & {
  readonly ssl: MysqlTlsOptions | undefined;
};

const IDENTIFIER = /^[A-Za-z0-9_]{1,64}$/;

/**
 * Applies the defaults of {@link MysqlDataSourceOptions} and validates them; throws
 * `InvalidArgumentError` naming every bad field and its value.
 */
export function resolveDataSourceOptions(
  options: MysqlDataSourceOptions,
): ResolvedMysqlDataSourceOptions {
  const o: ResolvedMysqlDataSourceOptions = {
    type: options.type ?? 'mariadb',
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 3306,
    username: options.username ?? 'root',
    password: options.password ?? '',
    database: options.database,
    entities: options.entities ?? [],
    migrations: options.migrations ?? [],
    migrationsTableName: options.migrationsTableName ?? 'migrations',
    poolSize: options.poolSize ?? 10,
    connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
    logging: options.logging ?? false,
    multipleStatements: options.multipleStatements ?? false,
    ssl: options.ssl,
  };
  checkOptions('createDataSource', [
    ['type', o.type, MYSQL_DRIVERS.includes(o.type), `one of ${MYSQL_DRIVERS.join(', ')}`],
    ['host', o.host, isNonEmptyString(o.host), 'a host name or IP address'],
    ['port', o.port, isPositiveInteger(o.port) && o.port <= 65535, 'an integer from 1 to 65535'],
    ['username', o.username, isNonEmptyString(o.username), 'a non-empty string'],
    ['password', o.password, typeof o.password === 'string', 'a string'],
    [
      'database',
      o.database,
      IDENTIFIER.test(o.database),
      'a database name ([A-Za-z0-9_], at most 64)',
    ],
    [
      'migrationsTableName',
      o.migrationsTableName,
      IDENTIFIER.test(o.migrationsTableName),
      'a table name ([A-Za-z0-9_], at most 64)',
    ],
    ['poolSize', o.poolSize, isPositiveInteger(o.poolSize), 'an integer > 0'],
    [
      'multipleStatements',
      o.multipleStatements,
      typeof o.multipleStatements === 'boolean',
      'a boolean',
    ],
    [
      'connectTimeoutMs',
      o.connectTimeoutMs,
      isPositiveInteger(o.connectTimeoutMs),
      'an integer > 0',
    ],
  ]);
  return o;
}

/**
 * Creates (does not connect) a TypeORM data source for MariaDB or MySQL 8 over mysql2 —
 * the only connector TypeORM 1.x supports, so there is no `connectorPackage` to choose.
 *
 * Fixed on purpose: `synchronize: false` (the schema changes only through migrations),
 * charset `utf8mb4`, and `timezone: 'Z'` so DATETIME values mean UTC whatever the host's
 * zone. TypeORM 1.x returns BIGINT and DECIMAL columns as strings
 * (`supportBigNumbers` + `bigNumberStrings`). mysql2's `trace` is off: it captures a stack
 * trace for every query (a few per cent of a busy process's CPU) only to decorate errors,
 * and TypeORM's `QueryFailedError` already names the statement.
 *
 * @example
 * ```ts
 * const dataSource = createDataSource({
 *   type: config.mysql.driver,
 *   host: config.mysql.host,
 *   database: config.mysql.database,
 *   entities: [SagaEventEntity],
 *   migrations: [InitialSchema1700000000000],
 * });
 * await dataSource.initialize();
 * await dataSource.runMigrations({ transaction: 'each' });
 * ```
 */
export function createDataSource(options: MysqlDataSourceOptions): DataSource {
  const o = resolveDataSourceOptions(options);
  return new DataSource({
    type: o.type,
    host: o.host,
    port: o.port,
    username: o.username,
    password: o.password,
    database: o.database,
    entities: o.entities,
    migrations: o.migrations,
    migrationsTableName: o.migrationsTableName,
    poolSize: o.poolSize,
    connectTimeout: o.connectTimeoutMs,
    charset: 'utf8mb4',
    timezone: 'Z',
    synchronize: false,
    migrationsRun: false,
    logging: o.logging,
    trace: false,
    multipleStatements: o.multipleStatements,
    ...(o.ssl === undefined ? {} : { ssl: { ...o.ssl } }),
  });
}
