import {
  checkOptions,
  isNonEmptyString,
  isPositiveInteger,
  type Logger,
  noopLogger,
  type OutboxMessage,
  TransientError,
} from '@sagaflow/core';
import {
  type Kafka,
  Partitioners,
  type Producer,
  type ProducerConfig,
  type Transaction,
} from 'kafkajs';

import { ProducerFencedError } from './errors';
import { IdempotentPublisher } from './idempotent-publisher';
import { isFencingError } from './kafka-error-types';
import { type KafkaRecord, type RecordSender, toTopicMessages } from './kafka-record';
import { type OutboxPublisher } from './outbox-publisher';
import { SerialQueue } from './serial-queue';

/** Options of {@link TransactionalPublisher}. */
export interface TransactionalPublisherOptions {
  /** The kafkajs client, from `createKafka`. Required. */
  readonly kafka: Kafka;
  /**
   * The producer's transactional id, unique per relay instance and stable across its
   * restarts, e.g. `` `${service}-relay-${instanceId}` ``: a restarted instance fences its
   * own zombie and aborts the transaction it left open. Characters `[A-Za-z0-9._-]`.
   * Required.
   */
  readonly transactionalId: string;
  /**
   * How long the broker lets a transaction stay open before aborting it, in ms. A
   * `read_committed` consumer cannot read past an open transaction, so this bounds how long
   * a hung publisher can stall them. At most the broker's `transaction.max.timeout.ms`.
   * @defaultValue `60000`
   */
  readonly transactionTimeoutMs?: number;
  /**
   * Retries of each produce request after the first. Bounded on purpose: a publish that
   * fails is aborted and the outbox publishes it again later, while an unbounded retry would
   * hold the outbox's claim for as long as Kafka is down. (kafkajs warns once per producer
   * that limiting retries "may invalidate EoS guarantees"; a failed publisher's producer is
   * replaced, which restarts its sequence numbers, so the warning does not apply.)
   * @defaultValue `8` (with the default first wait, about 5 s of retries in all)
   */
  readonly retries?: number;
  /**
   * Wait before the first retry of a produce request, in ms; each next wait doubles. The
   * transaction coordinator answers `CONCURRENT_TRANSACTIONS` while it still completes the
   * previous transaction, which takes it milliseconds: kafkajs's client-wide default of
   * 300 ms made almost every relay pass that followed another wait that long (the Java
   * client waits 20 ms).
   * @defaultValue `20`
   */
  readonly initialRetryTimeMs?: number;
  /** Where failures and fencing are logged. @defaultValue a logger that drops everything */
  readonly logger?: Logger;
}

interface ResolvedOptions {
  readonly kafka: Kafka;
  readonly transactionalId: string;
  readonly transactionTimeoutMs: number;
  readonly retries: number;
  readonly initialRetryTimeMs: number;
  readonly logger: Logger;
}

const TRANSACTIONAL_ID = /^[A-Za-z0-9._-]{1,249}$/;

function resolveOptions(options: TransactionalPublisherOptions): ResolvedOptions {
  const o: ResolvedOptions = {
    kafka: options.kafka,
    transactionalId: options.transactionalId,
    transactionTimeoutMs: options.transactionTimeoutMs ?? 60_000,
    retries: options.retries ?? 8,
    initialRetryTimeMs: options.initialRetryTimeMs ?? 20,
    logger: options.logger ?? noopLogger,
  };
  checkOptions('TransactionalPublisher', [
    [
      'kafka',
      '[object]',
      typeof (o.kafka as Partial<Kafka> | undefined)?.producer === 'function',
      'a kafkajs Kafka client',
    ],
    [
      'transactionalId',
      o.transactionalId,
      isNonEmptyString(o.transactionalId) && TRANSACTIONAL_ID.test(o.transactionalId),
      '1 to 249 characters [A-Za-z0-9._-]',
    ],
    [
      'transactionTimeoutMs',
      o.transactionTimeoutMs,
      isPositiveInteger(o.transactionTimeoutMs),
      'an integer > 0',
    ],
    ['retries', o.retries, isPositiveInteger(o.retries), 'an integer ≥ 1'],
    [
      'initialRetryTimeMs',
      o.initialRetryTimeMs,
      isPositiveInteger(o.initialRetryTimeMs),
      'an integer > 0',
    ],
  ]);
  return o;
}

/**
 * Publishes outbox messages to Kafka, each batch as one transaction of an idempotent
 * producer (`maxInFlightRequests: 1`), and sends single records (dead letters, replays)
 * through a second, plain idempotent producer. Consumers reading `read_committed` (every
 * Sagaflow consumer) see a batch entirely or not at all.
 *
 * A failed publish is aborted and its producer replaced (a fresh producer id restarts the
 * sequence numbers, so no stale sequence can block the next batch); the error is a
 * retryable `KAFKA_PUBLISH_FAILED`. Fencing by a newer producer with the same
 * transactional id is a {@link ProducerFencedError}, and every publish fails fast with it
 * until {@link reset}.
 *
 * @example
 * ```ts
 * const publisher = new TransactionalPublisher({ kafka, transactionalId: `orchestrator-relay-${instanceId}`, logger });
 * await publisher.connect();
 * await outbox.publishBatch(200, (messages) => publisher.publish(messages));
 * await publisher.disconnect();
 * ```
 */
export class TransactionalPublisher implements OutboxPublisher, RecordSender {
  readonly transactionalId: string;
  readonly #options: ResolvedOptions;
  readonly #logger: Logger;
  /** Serialises transactions: a kafkajs producer has one open transaction at most. */
  readonly #transactions = new SerialQueue();
  #transactional: Producer | undefined;
  /** Dead letters and replays go outside any transaction. */
  readonly #plain: IdempotentPublisher;
  #fencedBy: unknown;

  constructor(options: TransactionalPublisherOptions) {
    this.#options = resolveOptions(options);
    this.transactionalId = this.#options.transactionalId;
    this.#logger = this.#options.logger.child({
      component: 'transactional-publisher',
      transactionalId: this.transactionalId,
    });
    const { kafka, retries, initialRetryTimeMs, logger } = this.#options;
    this.#plain = new IdempotentPublisher({ kafka, retries, initialRetryTimeMs, logger });
  }

  /**
   * Connects the transactional producer and registers its transactional id with the
   * broker, which fences any older producer with the same id and aborts the transaction it
   * left open. Optional (the first publish connects), but surfaces broker problems at
   * start-up.
   */
  connect(): Promise<void> {
    return this.#transactions.run(async () => {
      await this.#transactionalProducer();
    });
  }

  /**
   * Publishes `messages` as one Kafka transaction, in array order (each key's order is
   * kept). Resolves once the transaction is committed; an empty list does nothing.
   *
   * @throws `TransientError` (`KAFKA_PUBLISH_FAILED`, retryable) when the transaction failed;
   * it was aborted.
   * @throws {@link ProducerFencedError} (terminal until {@link reset}) when fenced.
   */
  publish(messages: readonly OutboxMessage[]): Promise<void> {
    if (messages.length === 0) return Promise.resolve();
    return this.#transactions.run(async () => {
      if (this.#fencedBy !== undefined) {
        throw new ProducerFencedError(this.transactionalId, { cause: this.#fencedBy });
      }
      const producer = await this.#transactionalProducer();
      let transaction: Transaction | undefined;
      try {
        transaction = await producer.transaction();
        await transaction.sendBatch({ topicMessages: toTopicMessages(messages), acks: -1 });
        await transaction.commit();
      } catch (error) {
        const fenced = isFencingError(error);
        // A fenced producer's abort would be refused too.
        await this.#abandonTransactional(fenced ? undefined : transaction);
        const context = {
          transactionalId: this.transactionalId,
          count: messages.length,
          messageIds: messages.slice(0, 10).map((m) => m.id),
        };
        if (fenced) {
          this.#fencedBy = error;
          this.#logger.error('transactional producer fenced; publishing stops until reset', {
            error,
          });
          throw new ProducerFencedError(this.transactionalId, { cause: error, context });
        }
        throw new TransientError(
          'KAFKA_PUBLISH_FAILED',
          `publishing ${messages.length} message(s) in a transaction failed; it was aborted`,
          { cause: error, context },
        );
      }
    });
  }

  /**
   * Sends records outside any transaction through an idempotent producer, in array order
   * per key. Used for dead letters and replays.
   *
   * @throws `TransientError` (`KAFKA_PUBLISH_FAILED`, retryable) when the send failed.
   */
  send(records: readonly KafkaRecord[]): Promise<void> {
    return this.#plain.send(records);
  }

  /**
   * Forgets a fencing and drops the transactional producer; the next publish (or
   * {@link connect}) starts a new one with the same id — which fences the other holder.
   */
  reset(): Promise<void> {
    return this.#transactions.run(async () => {
      this.#fencedBy = undefined;
      const producer = this.#transactional;
      this.#transactional = undefined;
      await this.#disconnectQuietly(producer);
    });
  }

  /** Waits for the publish and send in progress, then disconnects both producers. */
  async disconnect(): Promise<void> {
    await Promise.all([
      this.#transactions.run(async () => {
        const producer = this.#transactional;
        this.#transactional = undefined;
        await producer?.disconnect();
      }),
      this.#plain.disconnect(),
    ]);
  }

  /** What both producers share: idempotent, one request in flight (order), no topic creation. */
  #idempotentConfig(): ProducerConfig {
    return {
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
      retry: { retries: this.#options.retries, initialRetryTime: this.#options.initialRetryTimeMs },
    };
  }

  async #transactionalProducer(): Promise<Producer> {
    if (this.#transactional !== undefined) return this.#transactional;
    const producer = this.#options.kafka.producer({
      ...this.#idempotentConfig(),
      transactionalId: this.transactionalId,
      transactionTimeout: this.#options.transactionTimeoutMs,
    });
    try {
      await producer.connect();
      // kafkajs registers the transactional id lazily, on the first transaction: an empty
      // one does it now (InitProducerId fences older producers and aborts their open
      // transaction) and ends without a request, since no partition joined it.
      const transaction = await producer.transaction();
      await transaction.abort();
    } catch (error) {
      await this.#disconnectQuietly(producer);
      throw new TransientError(
        'KAFKA_PUBLISH_FAILED',
        'connecting the transactional producer failed',
        {
          cause: error,
          context: { transactionalId: this.transactionalId },
        },
      );
    }
    this.#transactional = producer;
    return producer;
  }

  /**
   * After a failed transaction: abort it if kafkajs still can (so consumers need not wait
   * for the transaction timeout), then drop the producer. kafkajs cannot recover a
   * producer whose commit failed (its state machine refuses both abort and a new
   * transaction), and a new producer id is the only way to reset sequence numbers.
   */
  async #abandonTransactional(transaction: Transaction | undefined): Promise<void> {
    if (transaction?.isActive() === true) {
      try {
        await transaction.abort();
      } catch (error) {
        this.#logger.warn('aborting the failed transaction failed; the broker will abort it', {
          error,
        });
      }
    }
    const producer = this.#transactional;
    this.#transactional = undefined;
    await this.#disconnectQuietly(producer);
  }

  async #disconnectQuietly(producer: Producer | undefined): Promise<void> {
    try {
      await producer?.disconnect();
    } catch (error) {
      this.#logger.warn('disconnecting a discarded producer failed', { error });
    }
  }
}
