/**
 * Options of every Sagaflow table: InnoDB (row locks, `SKIP LOCKED`), utf8mb4, and a binary
 * collation so ids and keys compare byte for byte on MySQL 8 and MariaDB alike. Services
 * may use it in their own migrations.
 *
 * @example
 * ```ts
 * await queryRunner.query(`CREATE TABLE credit_account (…) ${SAGAFLOW_TABLE_OPTIONS}`);
 * ```
 */
export const SAGAFLOW_TABLE_OPTIONS = 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin';
