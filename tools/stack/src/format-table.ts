/** Alignment of a table column. */
export type ColumnAlign = 'left' | 'right';

/** A table for {@link formatTable}: `null` rows are separator lines. */
export interface TableSpec {
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[] | null)[];
  /** Per column. @defaultValue `left` for every column */
  readonly align?: readonly ColumnAlign[];
}

/**
 * Draws a table with box-drawing characters, each column as wide as its widest cell and
 * aligned as asked (the header too). Widths count UTF-16 code units: fine for text without
 * astral characters, such as the demo's.
 *
 * @example
 * ```ts
 * formatTable({ header: ['outcome', 'sagas'], rows: [['completed', '241']], align: ['left', 'right'] });
 * // ┌───────────┬───────┐
 * // │ outcome   │ sagas │
 * // ├───────────┼───────┤
 * // │ completed │   241 │
 * // └───────────┴───────┘
 * ```
 */
export function formatTable(spec: TableSpec): string {
  const columns = spec.header.length;
  const cells = (row: readonly string[]) => Array.from({ length: columns }, (_, i) => row[i] ?? '');
  const widths = Array.from({ length: columns }, (_, i) =>
    Math.max(
      (spec.header[i] ?? '').length,
      ...spec.rows.map((row) => (row === null ? 0 : (row[i] ?? '').length)),
    ),
  );
  const line = (left: string, middle: string, right: string) =>
    `${left}${widths.map((w) => '─'.repeat(w + 2)).join(middle)}${right}`;
  const render = (row: readonly string[]) =>
    `│${cells(row)
      .map((cell, i) => {
        const width = widths[i] ?? 0;
        const right = spec.align?.[i] === 'right';
        const pad = ' '.repeat(width - cell.length);
        return ` ${right ? pad + cell : cell + pad} `;
      })
      .join('│')}│`;
  return [
    line('┌', '┬', '┐'),
    render(spec.header),
    line('├', '┼', '┤'),
    ...spec.rows.map((row) => (row === null ? line('├', '┼', '┤') : render(row))),
    line('└', '┴', '┘'),
  ].join('\n');
}
