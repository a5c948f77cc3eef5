import { describeError, type Logger } from '@sagaflow/core';
import { type Worker } from 'bullmq';

/**
 * Starts a worker's loop; `run()` resolves only when the worker closes, so its failure is
 * logged rather than awaited.
 */
export function runWorker<T>(worker: Worker<T>, logger: Logger): void {
  worker.run().catch((error: unknown) => {
    logger.error('worker stopped with an error', { error: describeError(error) });
  });
}
