import { SagaflowError } from '@sagaflow/core';

/**
 * The replies consumer stopped consuming for good (kafkajs gave up on it): the instance is
 * not ready, although Kafka answers. Retryable: a restart of the instance recovers.
 */
export class ConsumerStoppedError extends SagaflowError {
  readonly code = 'CONSUMER_STOPPED';
  readonly retryable = true;
}
