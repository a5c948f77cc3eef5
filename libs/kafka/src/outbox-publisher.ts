import { type OutboxMessage } from '@sagaflow/core';

/** What {@link OutboxRelay} publishes through; `IdempotentPublisher` and `TransactionalPublisher` implement it. */
export interface OutboxPublisher {
  /**
   * Publishes the messages in array order per key; resolves only once the broker has them
   * all. A `TransactionalPublisher` publishes them all or none (one Kafka transaction); an
   * `IdempotentPublisher` may have written some when it fails, and the retry writes them
   * again (consumers discard the duplicates by their EventProcess key).
   */
  publish(messages: readonly OutboxMessage[]): Promise<void>;
  /** Drops the current producer (fenced or broken) so the next publish starts a new one. */
  reset(): Promise<void>;
}
