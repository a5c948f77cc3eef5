/** MySQL/MariaDB error numbers and codes Sagaflow reacts to. */
const ER_DUP_ENTRY = { code: 'ER_DUP_ENTRY', errno: 1062 } as const;
const ER_LOCK_DEADLOCK = { code: 'ER_LOCK_DEADLOCK', errno: 1213 } as const;

/**
 * The driver's error inside what TypeORM or mysql2 threw: `QueryFailedError.driverError`,
 * or the mysql2 error itself.
 */
function driverError(error: unknown): { code?: unknown; errno?: unknown } | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  if (
    'driverError' in error &&
    typeof error.driverError === 'object' &&
    error.driverError !== null
  ) {
    return error.driverError;
  }
  return error;
}

function hasServerError(error: unknown, expected: { code: string; errno: number }): boolean {
  const e = driverError(error);
  return e !== undefined && (e.code === expected.code || e.errno === expected.errno);
}

/**
 * True when an insert or update failed on a primary or unique key (`ER_DUP_ENTRY`, errno
 * 1062), as TypeORM's `QueryFailedError` or a bare mysql2 error. The check is explicit on
 * purpose: `INSERT IGNORE` would also hide truncation and other errors.
 *
 * @example
 * ```ts
 * try { await manager.insert(EventProcessEntity, row); }
 * catch (e) { if (isDuplicateKeyError(e)) return 'duplicate'; throw e; }
 * ```
 */
export function isDuplicateKeyError(error: unknown): boolean {
  return hasServerError(error, ER_DUP_ENTRY);
}

/**
 * True when the server chose this transaction as a deadlock victim (`ER_LOCK_DEADLOCK`,
 * errno 1213). The whole transaction was rolled back; run it again.
 */
export function isDeadlockError(error: unknown): boolean {
  return hasServerError(error, ER_LOCK_DEADLOCK);
}

/**
 * Runs `work` (a whole transaction) and runs it again, up to `maxRetries` more times, when
 * the server chose it as a deadlock victim — the transaction was rolled back, so running
 * it again is safe. Any other error, or the last deadlock, is thrown.
 */
export async function retryOnDeadlock<T>(maxRetries: number, work: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= maxRetries || !isDeadlockError(error)) throw error;
    }
  }
}
