/**
 * Durations grouped in logarithmic classes, so that the database returns a few rows per time
 * bucket (how many durations fell in each class, and the largest) instead of every duration,
 * and percentiles are read from those rows.
 *
 * Class `c` holds the durations `d` (in ms) with `2^(c/8) ≤ max(d, 1) < 2^((c+1)/8)`: eight
 * classes per doubling, so the largest and the smallest duration of a class differ by less
 * than a factor 2^(1/8) ≈ 1.0905. A percentile is answered with the largest duration of the
 * class that holds its rank: never below the exact nearest-rank value, and above it by less
 * than {@link DURATION_CLASS_MAX_RELATIVE_ERROR} (9.05 %) of it, or less than 1.0905 ms for
 * durations under 1 ms (they share class 0). The largest duration of a bucket is exact.
 */

/** Classes per doubling of the duration. */
const CLASSES_PER_OCTAVE = 8;

/**
 * How much a percentile read from a histogram may exceed the exact nearest-rank value,
 * relative to it: `2^(1/8) − 1` ≈ 0.0905. It never falls below the exact value.
 */
export const DURATION_CLASS_MAX_RELATIVE_ERROR = 2 ** (1 / CLASSES_PER_OCTAVE) - 1;

/**
 * SQL of the class of a duration (`durationMsSql`, in ms): `FLOOR(LOG2(GREATEST(d, 1)) * 8)`.
 * Portable to MySQL 8 and MariaDB.
 */
export function durationClassSql(durationMsSql: string): string {
  return `FLOOR(LOG2(GREATEST(${durationMsSql}, 1)) * ${CLASSES_PER_OCTAVE})`;
}

/** One class of a histogram: how many durations fell in it, and the largest of them. */
export interface DurationClassCount {
  readonly durationClass: number;
  readonly count: number;
  readonly maxMs: number;
}

/**
 * The nearest-rank percentiles `ps` (each in `(0, 1]`) of the durations a histogram counts:
 * for each, the largest duration of the class that holds rank `⌈p·n⌉`. Null when the
 * histogram counts no duration.
 *
 * @example
 * ```ts
 * // 3 durations from 950 to 1020 ms (class 79), one of 5000 ms (class 98):
 * const classes = [
 *   { durationClass: 79, count: 3, maxMs: 1020 },
 *   { durationClass: 98, count: 1, maxMs: 5000 },
 * ];
 * histogramPercentiles(classes, [0.5, 0.99]); // [1020, 5000]
 * ```
 */
export function histogramPercentiles(
  classes: readonly DurationClassCount[],
  ps: readonly number[],
): number[] | null {
  const sorted = [...classes]
    .filter((c) => c.count > 0)
    .sort((a, b) => a.durationClass - b.durationClass);
  const total = sorted.reduce((sum, c) => sum + c.count, 0);
  if (total === 0) return null;
  return ps.map((p) => {
    const rank = Math.max(1, Math.ceil(p * total));
    let seen = 0;
    for (const c of sorted) {
      seen += c.count;
      if (seen >= rank) return c.maxMs;
    }
    return sorted.at(-1)?.maxMs ?? 0;
  });
}
