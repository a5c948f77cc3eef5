import { type OutboxMessage } from '@sagaflow/core';

/** What {@link OutboxRelay} publishes through; `TransactionalPublisher` implements it. */
export interface OutboxPublisher {
  /**
   * Publishes the messages all or none (one Kafka transaction), in array order per key;
   * resolves only once they are committed.
   */
  publish(messages: readonly OutboxMessage[]): Promise<void>;
  /** Drops the current producer (fenced or broken) so the next publish starts a new one. */
  reset(): Promise<void>;
}
