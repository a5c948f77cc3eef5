import { OptionsError } from '@sagaflow/config';

import { backoffDelay, resolveBackoff } from './backoff';

describe('backoffDelay', () => {
  const backoff = resolveBackoff('Test', 'backoff', { initialDelayMs: 100, maxDelayMs: 1000 });

  it('doubles from the initial delay up to the maximum, jittered by ±20 %', () => {
    const middle = (): number => 0.5;
    expect([1, 2, 3, 4, 5, 40].map((n) => backoffDelay(n, backoff, middle))).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
    expect(backoffDelay(1, backoff, () => 0)).toBe(80);
    expect(backoffDelay(2, backoff, () => 0.999)).toBe(240);
    expect(backoffDelay(5, backoff, () => 0.999)).toBe(1000);
  });

  it('applies defaults and names bad fields', () => {
    expect(resolveBackoff('Test', 'backoff', undefined)).toEqual({
      initialDelayMs: 200,
      maxDelayMs: 5000,
    });
    expect(() => resolveBackoff('Test', 'retry', { initialDelayMs: 500, maxDelayMs: 100 })).toThrow(
      OptionsError,
    );
    expect(() => resolveBackoff('Test', 'retry', { initialDelayMs: 0 })).toThrow(
      'retry.initialDelayMs=0',
    );
  });
});
