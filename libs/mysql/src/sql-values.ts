/**
 * Rows affected by an `UPDATE`/`DELETE` run through `EntityManager.query` (mysql2's
 * `ResultSetHeader`). mysql2 connects with `CLIENT_FOUND_ROWS`, so an `UPDATE` counts the
 * rows its `WHERE` matched, changed or not.
 */
export function affectedRows(result: unknown): number {
  if (typeof result === 'object' && result !== null && 'affectedRows' in result) {
    const { affectedRows: rows } = result;
    if (typeof rows === 'number') return rows;
  }
  throw new TypeError('expected the result of an UPDATE, INSERT or DELETE statement');
}

/** A numeric column as a number: mysql2 returns BIGINT, COUNT and DECIMAL values as strings. */
export function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '') return Number(value);
  if (value === null) return 0;
  throw new TypeError(`expected a numeric column, got ${typeof value}`);
}

/** A DATETIME column as ISO-8601 UTC. */
export function toIso(value: Date): string {
  return value.toISOString();
}

/** A nullable DATETIME column as ISO-8601 UTC, or null. */
export function toIsoOrNull(value: Date | null): string | null {
  return value === null ? null : value.toISOString();
}

/** Cuts `text` to at most `max` characters, so it fits its column. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, max);
}

/** Rows of a multi-row `INSERT`, split so no statement gets too large for the server. */
export function chunkRows<T>(
  rows: readonly T[],
  maxRows: number,
  maxChars: number,
  sizeOf: (row: T) => number,
): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let chars = 0;
  for (const row of rows) {
    const size = sizeOf(row);
    if (current.length > 0 && (current.length >= maxRows || chars + size > maxChars)) {
      chunks.push(current);
      current = [];
      chars = 0;
    }
    current.push(row);
    chars += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
