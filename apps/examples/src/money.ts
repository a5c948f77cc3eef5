/**
 * Money as integer cents: DECIMAL(12,2) columns come back as strings and JSON amounts as
 * numbers; both are converted to cents before any arithmetic, so no float rounding leaks in.
 */
export function toCents(amount: string | number): number {
  return Math.round(Number(amount) * 100);
}

/** Cents as a DECIMAL(12,2) literal, e.g. `1234` → `'12.34'`. */
export function money(cents: number): string {
  return (cents / 100).toFixed(2);
}
