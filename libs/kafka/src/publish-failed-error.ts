import { SagaflowError } from '@sagaflow/core';

/**
 * Messages could not be written to Kafka: the transaction was aborted (or the plain send
 * failed) and nothing of it is visible to `read_committed` consumers. Retryable — the
 * outbox keeps the messages unpublished and the relay sends them again; `cause` holds the
 * kafkajs error.
 */
export class PublishFailedError extends SagaflowError {
  readonly code = 'KAFKA_PUBLISH_FAILED';
  readonly retryable = true;
}
