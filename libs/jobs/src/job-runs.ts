import { describeError, errorMessage, type Logger } from '@sagaflow/core';
import { type Job, UnrecoverableError, type Worker } from 'bullmq';

/**
 * Starts a worker's loop; `run()` resolves only when the worker closes, so its failure is
 * logged rather than awaited.
 */
export function runWorker<T>(worker: Worker<T>, logger: Logger): void {
  worker.run().catch((error: unknown) => {
    logger.error('worker stopped with an error', { error: describeError(error) });
  });
}

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

/** True when the job's current run is its last allowed attempt. */
export function isLastAttempt(job: Job): boolean {
  return job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
}

/** Wraps a terminal error so BullMQ fails the job at once instead of retrying it. */
export function unrecoverable(error: unknown): UnrecoverableError {
  const wrapped = new UnrecoverableError(errorMessage(error, { code: true }));
  wrapped.cause = error;
  return wrapped;
}
