/**
 * Whether trying again may help: an error's own `retryable` flag (every `SagaflowError`
 * has one), else true — an error without one is technical (a lost connection, a driver
 * error, a bug), and the job's bounded attempts keep a permanent one from looping.
 *
 * @example
 * ```ts
 * isRetryableError(new ConcurrencyError('s-1', 3)); // true
 * isRetryableError(new SagaNotFoundError('s-1'));   // false
 * isRetryableError(new Error('ECONNRESET'));        // true
 * ```
 */
export function isRetryableError(error: unknown): boolean {
  if (typeof error === 'object' && error !== null && 'retryable' in error) {
    const { retryable } = error;
    if (typeof retryable === 'boolean') return retryable;
  }
  return true;
}
