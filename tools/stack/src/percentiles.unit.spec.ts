import { percentile, summarizeLatencies } from './percentiles';

describe('percentile (nearest rank)', () => {
  it('picks the smallest value with at least p % of the values at or below it', () => {
    const values = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 51)).toBe(60);
    expect(percentile(values, 95)).toBe(100);
    expect(percentile(values, 10)).toBe(10);
    expect(percentile(values, 0.1)).toBe(10);
    expect(percentile(values, 100)).toBe(100);
  });

  it('gives the only value of a single-value set for any p', () => {
    expect(percentile([7], 1)).toBe(7);
    expect(percentile([7], 99)).toBe(7);
  });

  it('uses p99 of 200 values as the 198th', () => {
    const values = Array.from({ length: 200 }, (_, i) => i + 1);
    expect(percentile(values, 99)).toBe(198);
    expect(percentile(values, 95)).toBe(190);
  });

  it('refuses an empty set and a p outside (0, 100]', () => {
    expect(() => percentile([], 50)).toThrow(RangeError);
    expect(() => percentile([1], 0)).toThrow('outside (0, 100]');
    expect(() => percentile([1], 101)).toThrow('outside (0, 100]');
    expect(() => percentile([1], Number.NaN)).toThrow(RangeError);
  });
});

describe('summarizeLatencies', () => {
  it('sorts, then gives the percentiles, mean and max', () => {
    expect(summarizeLatencies([300, 100, 200, 400])).toEqual({
      count: 4,
      p50: 200,
      p95: 400,
      p99: 400,
      mean: 250,
      max: 400,
    });
  });

  it('is null without values', () => {
    expect(summarizeLatencies([])).toBeNull();
  });
});
