import { SagaflowError, type SagaflowErrorOptions } from '@sagaflow/core';

/**
 * Adding or removing BullMQ jobs failed (Redis unavailable). Retryable. The durable state
 * is in MySQL: recovery re-arms timers and requeues inbox records, so a failed add is
 * repaired even if nobody retries it.
 */
export class JobQueueError extends SagaflowError {
  readonly code = 'JOB_QUEUE_FAILED';
  readonly retryable = true;
  /** The queue's name. */
  readonly queue: string;

  constructor(queue: string, message: string, options?: SagaflowErrorOptions) {
    super(message, { ...options, context: { ...options?.context, queue } });
    this.queue = queue;
  }
}
