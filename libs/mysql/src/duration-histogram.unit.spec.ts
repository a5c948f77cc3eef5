import {
  DURATION_CLASS_MAX_RELATIVE_ERROR,
  type DurationClassCount,
  durationClassSql,
  histogramPercentiles,
} from './duration-histogram';

/** What the database does with `durationClassSql`: the class of each duration, its count and max. */
function histogramOf(durations: readonly number[]): DurationClassCount[] {
  const classes = new Map<number, { count: number; maxMs: number }>();
  for (const d of durations) {
    const durationClass = Math.floor(Math.log2(Math.max(d, 1)) * 8);
    const seen = classes.get(durationClass);
    classes.set(durationClass, {
      count: (seen?.count ?? 0) + 1,
      maxMs: Math.max(seen?.maxMs ?? -Infinity, d),
    });
  }
  return [...classes].map(([durationClass, { count, maxMs }]) => ({
    durationClass,
    count,
    maxMs,
  }));
}

function exactPercentile(durations: readonly number[], p: number): number {
  const sorted = [...durations].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil(p * sorted.length)) - 1] ?? NaN;
}

/** Deterministic durations spread from `min` to `max` ms on a log scale, in whole ms. */
function spread(count: number, min: number, max: number, seed: number): number[] {
  let state = seed;
  return Array.from({ length: count }, () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return Math.round(min * (max / min) ** (state / 2 ** 31));
  });
}

describe('duration histogram', () => {
  it('classes a duration by eighths of a doubling, durations under 1 ms in class 0', () => {
    expect(durationClassSql('d')).toBe('FLOOR(LOG2(GREATEST(d, 1)) * 8)');
    expect(DURATION_CLASS_MAX_RELATIVE_ERROR).toBeCloseTo(0.0905, 4);
  });

  it.each([
    [1, 1, 60_000],
    [7, 1, 100],
    [200, 5, 3_600_000],
    [1000, 200, 400],
  ])(
    '%i durations from %i to %i ms: each percentile at or above the exact one, within the bound',
    (count, min, max) => {
      const durations = spread(count, min, max, count);
      const ps = [0.01, 0.5, 0.9, 0.95, 0.99, 1];

      const answers = histogramPercentiles(histogramOf(durations), ps);

      expect(answers).toHaveLength(ps.length);
      ps.forEach((p, i) => {
        const exact = exactPercentile(durations, p);
        const answer = answers?.[i] ?? NaN;
        expect(answer).toBeGreaterThanOrEqual(exact);
        expect(answer).toBeLessThan(exact * (1 + DURATION_CLASS_MAX_RELATIVE_ERROR));
      });
      // The largest duration is exact.
      expect(answers?.at(-1)).toBe(Math.max(...durations));
    },
  );

  it('is off by less than 1.1 ms for durations under 1 ms, and null for no duration', () => {
    expect(histogramPercentiles(histogramOf([0, 0, 0.4, 1]), [0.5, 1])).toEqual([1, 1]);
    expect(histogramPercentiles([], [0.5])).toBeNull();
    expect(histogramPercentiles([{ durationClass: 3, count: 0, maxMs: 2 }], [0.5])).toBeNull();
  });

  it('reads classes in duration order, however they come', () => {
    const classes = [
      { durationClass: 98, count: 1, maxMs: 5000 },
      { durationClass: 79, count: 3, maxMs: 1020 },
    ];
    expect(histogramPercentiles(classes, [0.5, 0.75, 0.76, 0.99])).toEqual([
      1020, 1020, 5000, 5000,
    ]);
  });
});
