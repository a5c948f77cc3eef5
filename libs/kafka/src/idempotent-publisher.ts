import {
  checkOptions,
  isPositiveInteger,
  type Logger,
  noopLogger,
  type OutboxMessage,
  TransientError,
} from '@sagaflow/core';
import { type Kafka, Partitioners, type Producer } from 'kafkajs';

import { type KafkaRecord, type RecordSender, toTopicMessages } from './kafka-record';
import { type OutboxPublisher } from './outbox-publisher';
import { SerialQueue } from './serial-queue';

/** Options of {@link IdempotentPublisher}. */
export interface IdempotentPublisherOptions {
  /** The kafkajs client, from `createKafka`. Required. */
  readonly kafka: Kafka;
  /** kafkajs retries of a failed request before a send fails. @defaultValue `8` */
  readonly retries?: number;
  /** The first retry's delay, in ms; kafkajs doubles it (with jitter). @defaultValue `20` */
  readonly initialRetryTimeMs?: number;
  /** @defaultValue a logger that drops everything */
  readonly logger?: Logger;
}

/**
 * Publishes outbox batches with Kafka's idempotent producer (`acks=all`, one request in
 * flight), without Kafka transactions: the outbox relay's default publisher.
 *
 * Effectively-once holds without transactions: the broker drops a producer's own retried
 * duplicates (idempotence), a row is marked published only after the broker acknowledged
 * it, and what a failed or interrupted batch did reach the log is published again and
 * discarded by the consumers' EventProcess primary key. Order per key holds too: one
 * request in flight, and the outbox hands each shard's rows over in order. What the
 * transactions added — a batch visible all or none — no Sagaflow consumer needs, and each
 * cost three more broker round trips and a ~20 ms coordinator wait per pass
 * (`TransactionalPublisher` is still there for consumers outside Sagaflow that must never
 * see a duplicate on the topic).
 *
 * @example
 * ```ts
 * const publisher = new IdempotentPublisher({ kafka, logger });
 * await publisher.connect();
 * const relay = new OutboxRelay({ outbox, publisher, logger });
 * ```
 */
export class IdempotentPublisher implements OutboxPublisher, RecordSender {
  readonly #kafka: Kafka;
  readonly #retries: number;
  readonly #initialRetryTimeMs: number;
  readonly #logger: Logger;
  readonly #sends = new SerialQueue();
  #producer: Producer | undefined;

  constructor(options: IdempotentPublisherOptions) {
    this.#kafka = options.kafka;
    this.#retries = options.retries ?? 8;
    this.#initialRetryTimeMs = options.initialRetryTimeMs ?? 20;
    this.#logger = (options.logger ?? noopLogger).child({ component: 'idempotent-publisher' });
    checkOptions('IdempotentPublisher', [
      [
        'kafka',
        '[object]',
        typeof (this.#kafka as Partial<Kafka> | undefined)?.producer === 'function',
        'a kafkajs Kafka client',
      ],
      ['retries', this.#retries, isPositiveInteger(this.#retries), 'an integer ≥ 1'],
      [
        'initialRetryTimeMs',
        this.#initialRetryTimeMs,
        isPositiveInteger(this.#initialRetryTimeMs),
        'an integer > 0',
      ],
    ]);
  }

  /**
   * Connects the producer; optional (the first send connects too) but it makes a start
   * fail early when Kafka is unreachable.
   * @throws TransientError (`KAFKA_PUBLISH_FAILED`) when connecting fails.
   */
  connect(): Promise<void> {
    return this.#sends.run(async () => {
      await this.#connected();
    });
  }

  /**
   * Publishes the messages in array order per key; resolves once the broker acknowledged
   * every one. On a failure some may have reached the log: publish them again.
   * @throws TransientError (`KAFKA_PUBLISH_FAILED`) when the send failed (the producer is
   * replaced).
   */
  publish(messages: readonly OutboxMessage[]): Promise<void> {
    return this.send(messages);
  }

  /**
   * Sends records (dead letters, replays) the same way.
   * @throws TransientError (`KAFKA_PUBLISH_FAILED`) when the send failed (the producer is
   * replaced).
   */
  send(records: readonly KafkaRecord[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    return this.#sends.run(async () => {
      const producer = await this.#connected();
      try {
        await producer.sendBatch({ topicMessages: toTopicMessages(records), acks: -1 });
      } catch (error) {
        // A failed idempotent send can leave kafkajs's sequence numbers ahead of the
        // broker's; a new producer (a new producer id) starts clean.
        await this.#drop();
        throw new TransientError(
          'KAFKA_PUBLISH_FAILED',
          `sending ${records.length} record(s) failed`,
          {
            cause: error,
            context: { count: records.length, topic: records[0]?.topic },
          },
        );
      }
    });
  }

  /** Drops the producer; the next send connects a new one. */
  reset(): Promise<void> {
    return this.#sends.run(() => this.#drop());
  }

  /** Disconnects, after the send in progress. */
  disconnect(): Promise<void> {
    return this.#sends.run(async () => {
      const producer = this.#producer;
      this.#producer = undefined;
      await producer?.disconnect();
    });
  }

  async #connected(): Promise<Producer> {
    if (this.#producer !== undefined) return this.#producer;
    const producer = this.#kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
      retry: { retries: this.#retries, initialRetryTime: this.#initialRetryTimeMs },
    });
    try {
      await producer.connect();
    } catch (error) {
      await producer.disconnect().catch(() => undefined);
      throw new TransientError(
        'KAFKA_PUBLISH_FAILED',
        'connecting the idempotent producer failed',
        { cause: error },
      );
    }
    this.#producer = producer;
    return producer;
  }

  async #drop(): Promise<void> {
    const producer = this.#producer;
    this.#producer = undefined;
    try {
      await producer?.disconnect();
    } catch (error) {
      this.#logger.warn('disconnecting a discarded producer failed', { error });
    }
  }
}
