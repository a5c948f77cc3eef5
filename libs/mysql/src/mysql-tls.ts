import { readFileSync } from 'node:fs';

import { InvalidArgumentError } from '@sagaflow/core';

/** The TLS settings of `mysqlEnv` (`config.mysql.ssl`). */
export interface MysqlTlsSettings {
  readonly enabled: boolean;
  readonly caFile: string;
}

/** TLS options of `createDataSource` (mysql2's `ssl`). */
export interface MysqlTlsOptions {
  /** PEM of the CAs to trust; the system's when absent. */
  readonly ca?: string;
  /** Always true: a server whose certificate does not verify is refused. */
  readonly rejectUnauthorized: true;
}

/**
 * Turns the environment's MySQL TLS settings into `createDataSource`'s `ssl`: undefined
 * when off; else a verified TLS connection, trusting the system's CAs or those of `caFile`
 * (read here). Throws `InvalidArgumentError` naming `SAGAFLOW_MYSQL_SSL_CA_FILE` when it cannot be
 * read.
 *
 * @example
 * ```ts
 * const dataSource = createDataSource({ ...connection, ssl: mysqlTls(config.mysql.ssl) });
 * ```
 */
export function mysqlTls(settings: MysqlTlsSettings): MysqlTlsOptions | undefined {
  if (!settings.enabled) return undefined;
  if (settings.caFile === '') return { rejectUnauthorized: true };
  try {
    return { ca: readFileSync(settings.caFile, 'utf8'), rejectUnauthorized: true };
  } catch {
    throw new InvalidArgumentError({
      code: 'CONFIG_INVALID',
      issues: [
        {
          field: 'SAGAFLOW_MYSQL_SSL_CA_FILE',
          value: JSON.stringify(settings.caFile),
          expected: 'a readable PEM file',
        },
      ],
    });
  }
}
