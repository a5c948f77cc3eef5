import { checkOptions, isPositiveInteger } from '@sagaflow/core';

/** Bounded exponential back-off after consecutive failures. */
export interface BackoffOptions {
  /** Wait after the first failure, in ms. @defaultValue `200` */
  readonly initialDelayMs?: number;
  /** Longest wait, reached after a few failures in a row, in ms. @defaultValue `5000` */
  readonly maxDelayMs?: number;
}

/** {@link BackoffOptions} with defaults applied. */
export interface ResolvedBackoff {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

/** Applies the defaults of {@link BackoffOptions} and validates them as `<field>.*` of `component`. */
export function resolveBackoff(
  component: string,
  field: string,
  options: BackoffOptions | undefined,
): ResolvedBackoff {
  const resolved = {
    initialDelayMs: options?.initialDelayMs ?? 200,
    maxDelayMs: options?.maxDelayMs ?? 5000,
  };
  checkOptions(component, [
    [
      `${field}.initialDelayMs`,
      resolved.initialDelayMs,
      isPositiveInteger(resolved.initialDelayMs),
      'an integer > 0',
    ],
    [
      `${field}.maxDelayMs`,
      resolved.maxDelayMs,
      isPositiveInteger(resolved.maxDelayMs) && resolved.maxDelayMs >= resolved.initialDelayMs,
      `an integer ≥ ${field}.initialDelayMs`,
    ],
  ]);
  return resolved;
}

/**
 * The wait after `failures` consecutive failures (1 for the first): doubles from
 * `initialDelayMs` up to `maxDelayMs`, with ±20 % jitter so that several processes failing
 * together do not retry in lockstep; never above `maxDelayMs`.
 */
export function backoffDelay(
  failures: number,
  backoff: ResolvedBackoff,
  random: () => number = Math.random,
): number {
  const exponent = Math.min(Math.max(failures, 1) - 1, 30);
  const base = Math.min(backoff.maxDelayMs, backoff.initialDelayMs * 2 ** exponent);
  return Math.min(backoff.maxDelayMs, Math.round(base * (0.8 + 0.4 * random())));
}

/** Options of {@link retryWithBackoff}. */
export interface RetryWithBackoffOptions {
  /** Tries in all, the first included. @defaultValue `6` */
  readonly attempts?: number;
  /** @defaultValue `{ initialDelayMs: 200, maxDelayMs: 5000 }` */
  readonly backoff?: BackoffOptions;
  /** Called before each retry, with the error and the wait (to log it). */
  readonly onRetry?: (error: unknown, failures: number, delayMs: number) => void;
}

/**
 * Runs `step`, and again after each failure with the bounded back-off, until it succeeds or
 * `attempts` tries failed; then the last error is thrown. For the start-up steps against
 * Kafka (connect, create topics): a broker that is restarting, or kafkajs's transient
 * "Broker not connected" while it refreshes metadata, should delay a process's start by a
 * few seconds, not end it.
 *
 * @example
 * ```ts
 * await retryWithBackoff(() => publisher.connect(), {
 *   onRetry: (error, failures, delayMs) => log.warn('relay producer not connected; retrying', { error, failures, delayMs }),
 * });
 * ```
 */
export async function retryWithBackoff<T>(
  step: () => Promise<T>,
  options: RetryWithBackoffOptions = {},
): Promise<T> {
  const attempts = options.attempts ?? 6;
  const backoff = resolveBackoff('retryWithBackoff', 'backoff', options.backoff);
  checkOptions('retryWithBackoff', [
    ['attempts', attempts, isPositiveInteger(attempts), 'an integer > 0'],
  ]);
  for (let failures = 0; ;) {
    try {
      return await step();
    } catch (error: unknown) {
      failures += 1;
      if (failures >= attempts) throw error;
      const delayMs = backoffDelay(failures, backoff);
      options.onRetry?.(error, failures, delayMs);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}
/** Resolves after `ms`, or as soon as `signal` aborts (at once if it already has). */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
