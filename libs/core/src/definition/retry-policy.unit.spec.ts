import fc from 'fast-check';
import {
  DEFAULT_COMPENSATION_RETRY_POLICY,
  DEFAULT_RETRY_POLICY,
  jitterFraction,
  resolveRetryPolicy,
  retryDelayMs,
  type ResolvedRetryPolicy,
} from './retry-policy';

const noJitter: ResolvedRetryPolicy = {
  maxAttempts: 10,
  initialDelayMs: 100,
  multiplier: 2,
  maxDelayMs: 1_000,
  jitter: 0,
};

describe('retryDelayMs', () => {
  it('grows exponentially from the initial delay and stops at the cap', () => {
    expect([1, 2, 3, 4, 5, 6].map((attempt) => retryDelayMs(noJitter, attempt, 'seed'))).toEqual([
      100, 200, 400, 800, 1_000, 1_000,
    ]);
  });

  it('keeps a multiplier of 1 constant', () => {
    expect(retryDelayMs({ ...noJitter, multiplier: 1 }, 7, 'seed')).toBe(100);
  });

  it('spreads the delay by at most ±jitter, the same way every time for one seed', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.string(),
        (attempt, jitter, seed) => {
          const policy = { ...noJitter, jitter };
          const base = retryDelayMs(noJitter, attempt, seed);
          const delay = retryDelayMs(policy, attempt, seed);
          expect(delay).toBe(retryDelayMs(policy, attempt, seed));
          expect(Number.isInteger(delay)).toBe(true);
          expect(delay).toBeGreaterThanOrEqual(Math.floor(base * (1 - jitter)));
          expect(delay).toBeLessThanOrEqual(Math.ceil(base * (1 + jitter)));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('gives different saga attempts different delays', () => {
    const policy = { ...noJitter, jitter: 0.5 };
    const delays = new Set(
      Array.from({ length: 20 }, (_, index) => retryDelayMs(policy, 1, `s-${index}.a.f.2.retry`)),
    );
    expect(delays.size).toBeGreaterThan(10);
  });
});

describe('jitterFraction', () => {
  it('is a fraction in [0, 1) that depends on the whole seed', () => {
    fc.assert(
      fc.property(fc.string(), (seed) => {
        const fraction = jitterFraction(seed);
        expect(fraction).toBeGreaterThanOrEqual(0);
        expect(fraction).toBeLessThan(1);
      }),
      { numRuns: 300 },
    );
    expect(jitterFraction('')).toBe(0x811c9dc5 / 2 ** 32);
    expect(jitterFraction('a.b.f.1.retry')).not.toBe(jitterFraction('a.b.f.2.retry'));
  });
});

describe('resolveRetryPolicy', () => {
  it('applies the defaults to the fields not given', () => {
    expect(resolveRetryPolicy({ maxAttempts: 4 }, DEFAULT_RETRY_POLICY, 'retry')).toEqual({
      ok: true,
      policy: { ...DEFAULT_RETRY_POLICY, maxAttempts: 4 },
    });
    expect(resolveRetryPolicy({}, DEFAULT_COMPENSATION_RETRY_POLICY, 'retry')).toEqual({
      ok: true,
      policy: {
        maxAttempts: 5,
        initialDelayMs: 500,
        multiplier: 2,
        maxDelayMs: 30_000,
        jitter: 0.2,
      },
    });
  });

  it('accepts the limits of each field', () => {
    expect(
      resolveRetryPolicy(
        { maxAttempts: Infinity, initialDelayMs: 1, multiplier: 1, maxDelayMs: 1, jitter: 1 },
        DEFAULT_RETRY_POLICY,
        'retry',
      ).ok,
    ).toBe(true);
    expect(resolveRetryPolicy({ jitter: 0 }, DEFAULT_RETRY_POLICY, 'retry').ok).toBe(true);
  });
});
