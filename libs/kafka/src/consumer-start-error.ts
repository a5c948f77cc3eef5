import { SagaflowError, type SagaflowErrorOptions } from '@sagaflow/core';

/**
 * An `InboxConsumer` could not connect, subscribe or join its group (broker down, topic
 * missing). Retryable; `cause` holds the kafkajs error.
 */
export class ConsumerStartError extends SagaflowError {
  readonly code = 'KAFKA_CONSUMER_START_FAILED';
  readonly retryable = true;

  constructor(groupId: string, options?: SagaflowErrorOptions) {
    super(`consumer group '${groupId}' could not start`, {
      ...options,
      context: { ...options?.context, groupId },
    });
  }
}
