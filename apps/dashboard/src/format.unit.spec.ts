import { formatDuration, formatNumber } from './format';

describe('formatDuration', () => {
  it.each([
    [0, '0 ms'],
    [999, '999 ms'],
    [1000, '1 s'],
    [1500, '1.5 s'],
    [59_999, '60 s'],
    [60_000, '1 min'],
    [90_000, '1.5 min'],
    [3_600_000, '1 h'],
    [5_400_000, '1.5 h'],
  ])('writes %d ms as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('formatNumber', () => {
  it.each([
    [0, '0'],
    [0.006667, '0.00667'],
    [1.23456, '1.23'],
    [99.94, '99.9'],
    [100.4, '100'],
    [1581.2, '1581'],
    [-2.5, '-2.5'],
  ])('writes %d as %s', (value, text) => {
    expect(formatNumber(value)).toBe(text);
  });
});
