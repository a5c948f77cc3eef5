import { type Job, UnrecoverableError } from 'bullmq';

import { errorText } from './error-text';

/** True when the job's current run is its last allowed attempt. */
export function isLastAttempt(job: Job): boolean {
  return job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
}

/** Wraps a terminal error so BullMQ fails the job at once instead of retrying it. */
export function unrecoverable(error: unknown): UnrecoverableError {
  const wrapped = new UnrecoverableError(errorText(error));
  wrapped.cause = error;
  return wrapped;
}
