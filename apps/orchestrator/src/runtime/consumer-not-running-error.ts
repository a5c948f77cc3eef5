import { SagaflowError } from '@sagaflow/core';

/**
 * The replies consumer is not consuming: still joining its group (after a crash of the
 * previous instance, until Kafka expired that member's session), or stopped for good
 * (kafkajs gave up on it). The instance is not ready, although Kafka answers. Retryable:
 * a join completes, and a restart of the instance recovers a crashed consumer.
 */
export class ConsumerNotRunningError extends SagaflowError {
  readonly code = 'CONSUMER_NOT_RUNNING';
  readonly retryable = true;
  /** The consumer's state: `joining`, `stopped` or `crashed`. */
  readonly state: string;

  constructor(state: string) {
    super(`the replies consumer is ${state}, not consuming`, { context: { state } });
    this.state = state;
  }
}
