import { envBoolean, envEnum, envHost, envInteger, envPort, envText } from './env-parsers';
import { type EnvOutput, type EnvVar, envVar } from './env-var';
import { INFRA_DEFAULTS } from './infra-defaults';

/** The TypeORM driver types Sagaflow supports; `mariadb` for MariaDB, `mysql` for MySQL 8. */
export const MYSQL_DRIVERS = ['mariadb', 'mysql'] as const;

/** One of {@link MYSQL_DRIVERS}. */
export type MysqlDriver = (typeof MYSQL_DRIVERS)[number];

/** Per-service defaults of {@link mysqlEnv}. */
export interface MysqlEnvDefaults {
  /** The service's own database, e.g. `sagaflow_orders`. */
  readonly database: string;
}

/** The MySQL section of a configuration schema. */
export interface MysqlEnvSchema {
  /** `SAGAFLOW_MYSQL_HOST`. @defaultValue `127.0.0.1` */
  readonly host: EnvVar<string>;
  /** `SAGAFLOW_MYSQL_PORT`. @defaultValue `3306` */
  readonly port: EnvVar<number>;
  /** `SAGAFLOW_MYSQL_USER`. @defaultValue `root` */
  readonly user: EnvVar<string>;
  /** `SAGAFLOW_MYSQL_PASSWORD`; may be empty. @defaultValue `''` */
  readonly password: EnvVar<string>;
  /** `SAGAFLOW_MYSQL_DATABASE`. @defaultValue the service's database */
  readonly database: EnvVar<string>;
  /** `SAGAFLOW_MYSQL_DRIVER`: `mariadb` or `mysql`. @defaultValue `mariadb` */
  readonly driver: EnvVar<MysqlDriver>;
  /** `SAGAFLOW_MYSQL_POOL_SIZE`: connections in the pool, 1–100. @defaultValue `10` */
  readonly poolSize: EnvVar<number>;
  /** TLS to the server. */
  readonly ssl: {
    /** `SAGAFLOW_MYSQL_SSL`: connect over TLS, verifying the server's certificate. @defaultValue `false` */
    readonly enabled: EnvVar<boolean>;
    /**
     * `SAGAFLOW_MYSQL_SSL_CA_FILE`: a PEM file of the CAs to trust instead of the system's
     * (a managed database's CA bundle). @defaultValue none: the system's CAs
     */
    readonly caFile: EnvVar<string>;
  };
}

/** The MySQL section of a loaded configuration. */
export type MysqlEnvConfig = EnvOutput<MysqlEnvSchema>;

/**
 * MySQL / MariaDB connection variables.
 *
 * @example
 * ```ts
 * readEnv({ mysql: mysqlEnv({ database: 'sagaflow' }) }, process.env).mysql.port; // 3306
 * ```
 */
export function mysqlEnv(defaults: MysqlEnvDefaults): MysqlEnvSchema {
  const d = INFRA_DEFAULTS.mysql;
  return {
    host: envVar('SAGAFLOW_MYSQL_HOST', envHost(d.host)),
    port: envVar('SAGAFLOW_MYSQL_PORT', envPort(d.port)),
    user: envVar('SAGAFLOW_MYSQL_USER', envText({ default: d.user })),
    password: envVar('SAGAFLOW_MYSQL_PASSWORD', envText({ default: d.password, allowEmpty: true })),
    database: envVar(
      'SAGAFLOW_MYSQL_DATABASE',
      envText({
        default: defaults.database,
        pattern: {
          regex: /^[A-Za-z0-9_]{1,64}$/,
          description: 'a database name of letters, digits and "_" (at most 64)',
        },
      }),
    ),
    driver: envVar('SAGAFLOW_MYSQL_DRIVER', envEnum(MYSQL_DRIVERS, d.driver)),
    poolSize: envVar('SAGAFLOW_MYSQL_POOL_SIZE', envInteger({ default: 10, min: 1, max: 100 })),
    ssl: {
      enabled: envVar('SAGAFLOW_MYSQL_SSL', envBoolean(false)),
      caFile: envVar('SAGAFLOW_MYSQL_SSL_CA_FILE', envText({ default: '', allowEmpty: true })),
    },
  };
}
