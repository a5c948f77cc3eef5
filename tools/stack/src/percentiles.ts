/** Percentiles and extremes of a set of durations, in ms. */
export interface LatencySummary {
  readonly count: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly mean: number;
  readonly max: number;
}

/**
 * The nearest-rank percentile of ascending values: the smallest value such that at least
 * `p` percent of the values are less than or equal to it (the same definition as the
 * orchestrator's `GET /stats`).
 *
 * @throws RangeError when `sorted` is empty or `p` is outside (0, 100].
 *
 * @example
 * ```ts
 * percentile([10, 20, 30, 40], 50); // 20
 * percentile([10, 20, 30, 40], 95); // 40
 * ```
 */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new RangeError('percentile of no values');
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile ${p} is outside (0, 100]`);
  const rank = Math.ceil((p / 100) * sorted.length);
  const value = sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
  if (value === undefined) throw new RangeError(`no value at rank ${rank}`);
  return value;
}

/**
 * p50, p95, p99, mean and max of `values` (any order); null when there are none.
 *
 * @example
 * ```ts
 * summarizeLatencies([120, 80, 100])?.p50; // 100
 * ```
 */
export function summarizeLatencies(values: readonly number[]): LatencySummary | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const sum = sorted.reduce((total, value) => total + value, 0);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    mean: sum / sorted.length,
    max: percentile(sorted, 100),
  };
}
