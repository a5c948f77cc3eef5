import { InvalidArgumentError } from '@sagaflow/core';

import { backoffDelay, resolveBackoff, retryWithBackoff } from './backoff';

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
      InvalidArgumentError,
    );
    expect(() => resolveBackoff('Test', 'retry', { initialDelayMs: 0 })).toThrow(
      'retry.initialDelayMs=0',
    );
  });
});

describe('retryWithBackoff', () => {
  const backoff = { initialDelayMs: 1, maxDelayMs: 2 };

  it('runs the step again after failures until it succeeds, reporting each retry', async () => {
    let calls = 0;
    const retries: [string, number][] = [];
    const result = await retryWithBackoff(
      () => {
        calls += 1;
        return calls < 3 ? Promise.reject(new Error(`down ${calls}`)) : Promise.resolve('up');
      },
      {
        backoff,
        onRetry: (error, failures, delayMs) => {
          retries.push([(error as Error).message, failures]);
          expect(delayMs).toBeLessThanOrEqual(2);
        },
      },
    );
    expect(result).toBe('up');
    expect(retries).toEqual([
      ['down 1', 1],
      ['down 2', 2],
    ]);
  });

  it('throws the last error once the attempts are used up', async () => {
    let calls = 0;
    await expect(
      retryWithBackoff(
        () => {
          calls += 1;
          return Promise.reject(new Error(`down ${calls}`));
        },
        { attempts: 3, backoff },
      ),
    ).rejects.toThrow('down 3');
    expect(calls).toBe(3);
  });

  it('names a bad option', async () => {
    await expect(retryWithBackoff(() => Promise.resolve(1), { attempts: 0 })).rejects.toThrow(
      InvalidArgumentError,
    );
  });
});
