import { SagaflowError } from '@sagaflow/core';

/**
 * Messages could not be written to Kafka: a transaction was aborted (nothing of it is
 * visible to `read_committed` consumers), or an idempotent send failed (some messages may
 * have reached the log; consumers discard them when they come again). Retryable — the
 * outbox keeps the messages unpublished and the relay sends them again; `cause` holds the
 * kafkajs error.
 */
export class PublishFailedError extends SagaflowError {
  readonly code = 'KAFKA_PUBLISH_FAILED';
  readonly retryable = true;
}
