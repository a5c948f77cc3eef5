import { errorMessage } from '@sagaflow/core';
import { type Job, UnrecoverableError } from 'bullmq';

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
