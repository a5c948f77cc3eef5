import { SagaflowError, type SagaflowErrorOptions } from '@sagaflow/core';

/** The step of a consumed batch that failed. */
export type BatchStage = 'decode' | 'dead-letter' | 'sink';

/**
 * A consumed batch could not be made durable: its accept rule threw, or recording its dead
 * letters or its sink call failed. Its offsets were not committed, so Kafka delivers it
 * again. Retryable; `cause` holds the original error.
 */
export class BatchFailedError extends SagaflowError {
  readonly code = 'KAFKA_BATCH_FAILED';
  readonly retryable = true;
  readonly stage: BatchStage;

  constructor(
    stage: BatchStage,
    batch: {
      readonly topic: string;
      readonly partition: number;
      readonly firstOffset: string;
      readonly lastOffset: string;
    },
    options?: SagaflowErrorOptions,
  ) {
    super(
      `batch ${batch.topic}[${batch.partition}] offsets ${batch.firstOffset}..${batch.lastOffset} failed at the ${stage} step and will be delivered again`,
      { ...options, context: { ...options?.context, ...batch, stage } },
    );
    this.stage = stage;
  }
}
