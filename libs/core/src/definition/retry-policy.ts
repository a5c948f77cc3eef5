import { describeValue } from '../errors/describe';
import { isPositiveInteger } from '../errors/validation';

/**
 * How a step (or its compensation) is retried after a technical failure, a timeout or an
 * invalid reply. The delay after failed attempt `n` (1-based) is
 * `min(maxDelayMs, initialDelayMs * multiplier^(n-1))`, spread by ±`jitter` of itself.
 *
 * @example
 * ```ts
 * step.retry({ maxAttempts: 3, initialDelayMs: 200, multiplier: 2, maxDelayMs: 5_000 });
 * ```
 */
export interface RetryPolicy {
  /**
   * Total attempts, the first included; `Infinity` retries until the step succeeds.
   * @defaultValue `1` (no retry) for compensatable steps and the pivot; `Infinity` for
   * retriable steps (which accept nothing else); `5` for compensations.
   */
  readonly maxAttempts?: number;
  /**
   * Delay before the second attempt, in milliseconds (a positive integer).
   * @defaultValue `100` (`500` for compensations)
   */
  readonly initialDelayMs?: number;
  /**
   * Factor applied to the delay after each failed attempt (at least 1).
   * @defaultValue `2`
   */
  readonly multiplier?: number;
  /**
   * Upper bound of the delay before jitter, in milliseconds (a positive integer).
   * @defaultValue `30000`
   */
  readonly maxDelayMs?: number;
  /**
   * Spread of the delay, as a fraction in [0, 1]: `0.2` gives ±20 %. The spread is a
   * deterministic function of the retry timer's id, so deciding twice gives the same delay.
   * @defaultValue `0.2`
   */
  readonly jitter?: number;
}

/** A {@link RetryPolicy} with every default applied. */
export interface ResolvedRetryPolicy {
  readonly maxAttempts: number;
  readonly initialDelayMs: number;
  readonly multiplier: number;
  readonly maxDelayMs: number;
  readonly jitter: number;
}

/**
 * Defaults of `.retry(...)` on a compensatable step or the pivot; also the policy of such a
 * step without `.retry(...)`: a single attempt.
 */
export const DEFAULT_RETRY_POLICY: ResolvedRetryPolicy = {
  maxAttempts: 1,
  initialDelayMs: 100,
  multiplier: 2,
  maxDelayMs: 30_000,
  jitter: 0.2,
};

/** Defaults of `.retry(...)` on a retriable step: retried until it succeeds. */
export const DEFAULT_RETRIABLE_RETRY_POLICY: ResolvedRetryPolicy = {
  ...DEFAULT_RETRY_POLICY,
  maxAttempts: Number.POSITIVE_INFINITY,
};

/** Defaults of a compensation's policy (`.compensate(…, { retry })`). */
export const DEFAULT_COMPENSATION_RETRY_POLICY: ResolvedRetryPolicy = {
  maxAttempts: 5,
  initialDelayMs: 500,
  multiplier: 2,
  maxDelayMs: 30_000,
  jitter: 0.2,
};

const RETRY_POLICY_KEYS: ReadonlySet<string> = new Set([
  'maxAttempts',
  'initialDelayMs',
  'multiplier',
  'maxDelayMs',
  'jitter',
]);

/** The outcome of {@link resolveRetryPolicy}: the policy, or what is wrong with it. */
export type RetryPolicyResolution =
  | { readonly ok: true; readonly policy: ResolvedRetryPolicy }
  | { readonly ok: false; readonly problems: readonly string[] };

/**
 * Applies `defaults` to a policy and validates it. Every problem names the field (prefixed
 * by `label`, e.g. `retry` or `compensation retry`) and the bad value.
 */
export function resolveRetryPolicy(
  policy: unknown,
  defaults: ResolvedRetryPolicy,
  label: string,
): RetryPolicyResolution {
  if (typeof policy !== 'object' || policy === null || Array.isArray(policy)) {
    return { ok: false, problems: [`${label} must be an object (got ${describeValue(policy)})`] };
  }
  const given = policy as Readonly<Record<string, unknown>>;
  const problems = Object.keys(given)
    .filter((key) => !RETRY_POLICY_KEYS.has(key))
    .map((key) => `${label} has an unknown option '${key}'`);
  const read = (key: keyof ResolvedRetryPolicy): number => {
    const value = given[key];
    return typeof value === 'number' ? value : defaults[key];
  };
  for (const key of RETRY_POLICY_KEYS) {
    const value = given[key];
    if (value !== undefined && typeof value !== 'number') {
      problems.push(`${label}.${key} must be a number (got ${describeValue(value)})`);
    }
  }
  const resolved: ResolvedRetryPolicy = {
    maxAttempts: read('maxAttempts'),
    initialDelayMs: read('initialDelayMs'),
    multiplier: read('multiplier'),
    maxDelayMs: read('maxDelayMs'),
    jitter: read('jitter'),
  };
  const { maxAttempts, initialDelayMs, multiplier, maxDelayMs, jitter } = resolved;
  if (!(Number.isInteger(maxAttempts) && maxAttempts >= 1) && maxAttempts !== Infinity) {
    problems.push(
      `${label}.maxAttempts must be a positive integer or Infinity (got ${describeValue(maxAttempts)})`,
    );
  }
  if (!isPositiveInteger(initialDelayMs)) {
    problems.push(
      `${label}.initialDelayMs must be a positive integer (got ${describeValue(initialDelayMs)})`,
    );
  }
  if (!(Number.isFinite(multiplier) && multiplier >= 1)) {
    problems.push(
      `${label}.multiplier must be a finite number >= 1 (got ${describeValue(multiplier)})`,
    );
  }
  if (!isPositiveInteger(maxDelayMs)) {
    problems.push(
      `${label}.maxDelayMs must be a positive integer (got ${describeValue(maxDelayMs)})`,
    );
  }
  const tooLong = durationTooLong(`${label}.maxDelayMs`, maxDelayMs);
  if (tooLong !== null) problems.push(tooLong);
  if (!(jitter >= 0 && jitter <= 1)) {
    problems.push(`${label}.jitter must be between 0 and 1 (got ${describeValue(jitter)})`);
  }
  return problems.length === 0 ? { ok: true, policy: resolved } : { ok: false, problems };
}

/**
 * The longest timeout or retry delay, in milliseconds: 365 days. A step that may take
 * longer is a process of its own; and a deadline must stay a date the clock can hold.
 */
export const MAX_DURATION_MS = 365 * 24 * 60 * 60 * 1000;

/** The problem with a whole-millisecond duration longer than {@link MAX_DURATION_MS}; null when it is not. */
export function durationTooLong(label: string, value: unknown): string | null {
  return isPositiveInteger(value) && value > MAX_DURATION_MS
    ? `${label} must be at most ${MAX_DURATION_MS} ms (365 days) (got ${value})`
    : null;
}

/**
 * The back-off before the attempt after failed attempt `failedAttempt` (1-based, counted
 * within the policy's budget), in whole milliseconds:
 * `min(maxDelayMs, initialDelayMs * multiplier^(failedAttempt-1))`, then spread by
 * ±`jitter` using {@link jitterFraction} of `seed` (the retry timer's id), so the same
 * saga, step and attempt always get the same delay.
 *
 * @example
 * ```ts
 * retryDelayMs({ ...DEFAULT_RETRY_POLICY, jitter: 0 }, 3, 'any'); // 400
 * ```
 */
export function retryDelayMs(
  policy: ResolvedRetryPolicy,
  failedAttempt: number,
  seed: string,
): number {
  const exponent = Math.max(0, failedAttempt - 1);
  const base = Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.multiplier ** exponent);
  const spread = policy.jitter * (2 * jitterFraction(seed) - 1);
  return Math.max(0, Math.round(base * (1 + spread)));
}

/**
 * A pseudo-random fraction in [0, 1) derived from `seed` (32-bit FNV-1a): the decider's
 * only source of "randomness", deterministic so that deciding twice gives the same result.
 */
export function jitterFraction(seed: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < seed.length; index += 1) {
    hash ^= seed.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash / 0x1_0000_0000;
}
