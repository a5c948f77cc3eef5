import { type Logger } from '@sagaflow/core';
import { type Kafka } from 'kafkajs';

import { IdempotentPublisher } from './idempotent-publisher';
import { type RecordSender } from './kafka-record';
import { type OutboxPublisher } from './outbox-publisher';
import { TransactionalPublisher } from './transactional-publisher';

/** What the relay of an orchestrator or participant publishes and sends dead letters through. */
export type RelayPublisher = (IdempotentPublisher | TransactionalPublisher) &
  OutboxPublisher &
  RecordSender;

/** Options of {@link createRelayPublisher}. */
export interface RelayPublisherOptions {
  readonly kafka: Kafka;
  /**
   * Publish each batch as one Kafka transaction (`TransactionalPublisher`) instead of with
   * the idempotent producer alone: only for consumers outside Sagaflow that read the topics
   * `read_committed` and must never see a duplicate. @defaultValue `false`
   */
  readonly transactions: boolean;
  /** The transactional id, used with `transactions`. */
  readonly transactionalId: string;
  readonly transactionTimeoutMs?: number;
  readonly logger: Logger;
}

/**
 * The relay's publisher: an {@link IdempotentPublisher}, or a `TransactionalPublisher` when
 * `transactions` is set.
 */
export function createRelayPublisher(options: RelayPublisherOptions): RelayPublisher {
  const { kafka, logger } = options;
  if (!options.transactions) return new IdempotentPublisher({ kafka, logger });
  return new TransactionalPublisher({
    kafka,
    transactionalId: options.transactionalId,
    ...(options.transactionTimeoutMs === undefined
      ? {}
      : { transactionTimeoutMs: options.transactionTimeoutMs }),
    logger,
  });
}
