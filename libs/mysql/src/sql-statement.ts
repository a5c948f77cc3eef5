import { type DataSource, type EntityManager } from 'typeorm';

import { isDuplicateKeyError } from './is-duplicate-key-error';
import { affectedRows } from './sql-values';

/**
 * One statement of a transaction, with what its outcome means: the error a duplicate key
 * becomes, and how many rows it must affect.
 */
export interface SqlStatement {
  /** With `?` placeholders, formatted by the driver. */
  readonly sql: string;
  readonly params: readonly unknown[];
  /** The error a duplicate key (`ER_DUP_ENTRY`) becomes. @defaultValue the driver's error */
  readonly onDuplicate?: (cause: unknown) => Error;
  /** The rows it must affect, and the error any other count is. @defaultValue not checked */
  readonly affects?: { readonly rows: number; readonly otherwise: () => Error };
}

/** Runs the statements one by one in the caller's transaction, with their checks. */
export async function runStatements(
  manager: EntityManager,
  statements: readonly SqlStatement[],
): Promise<void> {
  for (const statement of statements) {
    let result: unknown;
    try {
      result = await manager.query(statement.sql, [...statement.params]);
    } catch (error) {
      if (statement.onDuplicate !== undefined && isDuplicateKeyError(error)) {
        throw statement.onDuplicate(error);
      }
      throw error;
    }
    checkAffected(statement, result);
  }
}

/**
 * True when the data source's connections take several statements in one query
 * (`createDataSource({ multipleStatements: true })`), as {@link commitInOneRoundTrip} needs.
 */
export function takesMultipleStatements(dataSource: DataSource): boolean {
  return (
    (dataSource.options as { readonly multipleStatements?: boolean }).multipleStatements === true
  );
}

/**
 * Commits the statements as one transaction in two round trips — `START TRANSACTION` and
 * every statement in one multi-statement query, then `COMMIT` once their checks passed —
 * where {@link runStatements} takes one round trip per statement and two more. The data
 * source must take multiple statements ({@link takesMultipleStatements}).
 *
 * A failing statement stops the ones after it and the transaction is rolled back. The
 * error of a multi-statement query does not say which statement failed, so a duplicate key
 * runs the statements again, one by one in a transaction of their own: the statement that
 * collides throws its `onDuplicate` error — or, if the row it collided with is gone, they
 * commit. Any other error is thrown as it is (a deadlock victim's, to run it again).
 */
export async function commitInOneRoundTrip(
  dataSource: DataSource,
  statements: readonly SqlStatement[],
): Promise<void> {
  const runner = dataSource.createQueryRunner();
  let open = false;
  let duplicate = false;
  try {
    const connection = (await runner.connect()) as Formatter;
    const text = [
      'START TRANSACTION',
      ...statements.map((s) => connection.format(s.sql, [...s.params])),
    ].join(';\n');
    open = true;
    const results = (await runner.query(text)) as unknown[];
    statements.forEach((statement, index) => {
      checkAffected(statement, results[index + 1]);
    });
    await runner.query('COMMIT');
    open = false;
  } catch (error) {
    if (open) await runner.query('ROLLBACK').catch(() => undefined);
    if (!isDuplicateKeyError(error)) throw error;
    duplicate = true;
  } finally {
    await runner.release();
  }
  if (duplicate) {
    await dataSource.transaction((manager) => runStatements(manager, statements));
  }
}

/** mysql2's connection: formats a statement as its `query` would send it. */
interface Formatter {
  format(sql: string, values: unknown[]): string;
}

function checkAffected(statement: SqlStatement, result: unknown): void {
  const { affects } = statement;
  if (affects !== undefined && affectedRows(result) !== affects.rows) throw affects.otherwise();
}
