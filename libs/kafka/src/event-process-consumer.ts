import {
  checkOptions,
  type Clock,
  type DeadLetterStore,
  hasMethods,
  isNonEmptyString,
  isPositiveInteger,
  type Logger,
  noopLogger,
  notifyObserver,
  systemClock,
  TransientError,
} from '@sagaflow/core';
import {
  type CodecOptions,
  commandDirection,
  createDeadLetterRecord,
  type DeadLetterInput,
  type DeadLetterRecord,
  decodeEnvelope,
  type DecodeResult,
  encodeDeadLetter,
  isMessagingId,
  MessageDecodeError,
  MessageDecodeErrorCode,
  MessageEncodeError,
  resolveCodecOptions,
  toDeadLetter,
} from '@sagaflow/messaging';
import {
  type Batch,
  type Consumer,
  type EachBatchPayload,
  type Kafka,
  type KafkaMessage,
} from 'kafkajs';

import { acceptAll, type AcceptEnvelope } from './accept-decision';
import {
  abortableSleep,
  backoffDelay,
  type BackoffOptions,
  type ResolvedBackoff,
  resolveBackoff,
} from './backoff';
import { type ConsumedMessage, type EventProcessSink } from './consumed-message';
import { MessageRejectedError } from './errors';
import { type KafkaRecord, type RecordSender } from './kafka-record';
import { headersText, lenientText, strictText } from './record-text';

/** The step of a consumed batch that failed. */
type BatchStage = 'decode' | 'dead-letter' | 'sink';

/** Where an `EventProcessConsumer` puts the records it cannot use. */
export interface DeadLetterRouting {
  /** The `dead_letter` table; idempotent per (consumer, topic, partition, offset). Required. */
  readonly store: DeadLetterStore;
  /** The dead-letter topic, e.g. `createTopicNames().deadLetters`. Required. */
  readonly topic: string;
  /** Sends the dead-letter records, usually the process's `TransactionalPublisher`. Required. */
  readonly publisher: RecordSender;
}

/**
 * Where an {@link EventProcessConsumer} is in its group membership:
 *
 * - `stopped`: before {@link EventProcessConsumer.start}, after {@link EventProcessConsumer.stop}, or after
 *   a start that failed;
 * - `joining`: connecting and joining the group; after a SIGKILLed member of the same group
 *   this lasts until the broker expires that member's session (`sessionTimeoutMs`), as the
 *   coordinator waits for every known member to rejoin. Also after a crash kafkajs recovers
 *   from, until the group is joined again;
 * - `running`: the group is joined and batches are consumed (rebalances included);
 * - `crashed`: kafkajs gave up on the consumer (an error it does not restart from, e.g. an
 *   authorization error); nothing is consumed until the consumer is started again.
 */
export type EventProcessConsumerState = 'stopped' | 'joining' | 'running' | 'crashed';

/**
 * What an {@link EventProcessConsumer} reports to whoever watches it (metrics, logs). Every
 * hook is optional and must not throw: an error it throws is logged and ignored.
 */
export interface EventProcessConsumerObserver {
  /** After each batch committed. */
  readonly onBatch?: (event: {
    readonly topic: string;
    readonly partition: number;
    /** Records in the batch. */
    readonly received: number;
    /** Messages handed to the sink. */
    readonly delivered: number;
    readonly deadLettered: number;
    readonly durationMs: number;
  }) => void;
  /** For each record recorded as a dead letter for the first time. */
  readonly onDeadLetter?: (event: {
    readonly topic: string;
    readonly partition: number;
    readonly offset: string;
    readonly reasonCode: string;
  }) => void;
  /**
   * For each batch that failed and will be delivered again: a `KAFKA_BATCH_FAILED` whose
   * context names the batch and the step (`decode`, `dead-letter` or `sink`) that failed.
   */
  readonly onFailure?: (error: TransientError) => void;
  /**
   * When {@link EventProcessConsumer.state} changes, e.g. to log or measure how long a restarted
   * instance took to rejoin its group.
   */
  readonly onStateChange?: (event: {
    readonly state: EventProcessConsumerState;
    readonly previous: EventProcessConsumerState;
    /** For `running`: how long the join that just completed took, in ms. */
    readonly joinMs: number | null;
  }) => void;
}

/** Options of {@link EventProcessConsumer}. */
export interface EventProcessConsumerOptions {
  /** The kafkajs client, from `createKafka`. Required. */
  readonly kafka: Kafka;
  /**
   * The EventProcess consumer name: the `consumer` of every EventProcess row and dead letter,
   * e.g. `orchestrator` or `payment-service`. Characters `[A-Za-z0-9._-]`. Required.
   */
  readonly consumerName: string;
  /** The Kafka consumer group. @defaultValue {@link consumerName} */
  readonly groupId?: string;
  /** The topics to consume. Required, at least one. */
  readonly topics: readonly string[];
  /** Which decoded messages the sink gets; the others become dead letters. @defaultValue every message */
  readonly accept?: AcceptEnvelope;
  /** Makes each batch's accepted messages durable. Required. */
  readonly sink: EventProcessSink;
  /** Required. */
  readonly deadLetters: DeadLetterRouting;
  /** @defaultValue a logger that drops everything */
  readonly logger?: Logger;
  /** Told of batches, dead letters, failures and state changes. @defaultValue none */
  readonly observer?: EventProcessConsumerObserver;
  /** Stamps dead letters' `failedAt`. @defaultValue the system clock */
  readonly clock?: Clock;
  /** Envelope size limit. @defaultValue `{ maxBytes: 1048576 }` */
  readonly codec?: CodecOptions;
  /**
   * Where a group without committed offsets starts: the beginning, so that messages sent
   * before a service's first start are consumed too. @defaultValue `true`
   */
  readonly fromBeginning?: boolean;
  /**
   * The group session: a member silent this long is removed, in ms. It bounds how long a
   * member that died without leaving (SIGKILL, a lost host) holds its partitions, and so
   * how long a restarted process waits to join (`joining`). The broker refuses values
   * outside `group.min.session.timeout.ms`–`group.max.session.timeout.ms` (6 s–30 min by
   * default). kafkajs has no static membership (`group.instance.id`, KIP-345), so a
   * restarted process always joins as a new member: a short session is the only lever.
   * @defaultValue `30000`
   */
  readonly sessionTimeoutMs?: number;
  /** How often the member heartbeats (also during long batches), in ms. @defaultValue `3000` */
  readonly heartbeatIntervalMs?: number;
  /** How long the coordinator waits for members to rejoin during a rebalance, in ms. @defaultValue `60000` */
  readonly rebalanceTimeoutMs?: number;
  /**
   * Longest fetch long-poll, in ms. `stop()` waits for the fetch in flight, so this bounds
   * the time to stop an idle consumer. @defaultValue `1000`
   */
  readonly maxWaitTimeMs?: number;
  /** Most bytes fetched per partition and request: bounds a batch. @defaultValue `1048576` */
  readonly maxBytesPerPartition?: number;
  /** Partitions whose batches are processed at the same time. @defaultValue `1` */
  readonly partitionsConsumedConcurrently?: number;
  /**
   * Back-off after a failed batch, before Kafka delivers it again; the member heartbeats
   * meanwhile and `stop()` cuts it short. @defaultValue `{ initialDelayMs: 200, maxDelayMs: 5000 }`
   */
  readonly failureBackoff?: BackoffOptions;
}

/** Counters since the consumer was created; redeliveries count again. */
export interface EventProcessConsumerStats {
  /** Records fetched. */
  readonly received: number;
  /** Messages handed to the sink in committed batches. */
  readonly delivered: number;
  /** Records recorded as dead letters (first time only). */
  readonly deadLettered: number;
  /** Batches committed. */
  readonly batches: number;
  /** Batches that failed and were left uncommitted. */
  readonly failures: number;
}

interface ResolvedOptions {
  readonly kafka: Kafka;
  readonly consumerName: string;
  readonly groupId: string;
  readonly topics: readonly string[];
  readonly accept: AcceptEnvelope;
  readonly sink: EventProcessSink;
  readonly deadLetters: DeadLetterRouting;
  readonly logger: Logger;
  readonly observer: EventProcessConsumerObserver;
  readonly clock: Clock;
  readonly codec: CodecOptions;
  readonly fromBeginning: boolean;
  readonly sessionTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  readonly rebalanceTimeoutMs: number;
  readonly maxWaitTimeMs: number;
  readonly maxBytesPerPartition: number;
  readonly partitionsConsumedConcurrently: number;
  readonly failureBackoff: ResolvedBackoff;
}

const TOPIC_NAME = /^[A-Za-z0-9._-]{1,249}$/;

function isTopicList(value: unknown): boolean {
  if (!Array.isArray(value) || value.length === 0) return false;
  const topics: unknown[] = value;
  return (
    topics.every((t) => typeof t === 'string' && TOPIC_NAME.test(t)) &&
    new Set(topics).size === topics.length
  );
}

function resolveOptions(options: EventProcessConsumerOptions): ResolvedOptions {
  const o: ResolvedOptions = {
    kafka: options.kafka,
    consumerName: options.consumerName,
    groupId: options.groupId ?? options.consumerName,
    topics: options.topics,
    accept: options.accept ?? acceptAll,
    sink: options.sink,
    deadLetters: options.deadLetters,
    logger: options.logger ?? noopLogger,
    observer: options.observer ?? {},
    clock: options.clock ?? systemClock,
    codec: options.codec ?? {},
    fromBeginning: options.fromBeginning ?? true,
    sessionTimeoutMs: options.sessionTimeoutMs ?? 30_000,
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 3000,
    rebalanceTimeoutMs: options.rebalanceTimeoutMs ?? 60_000,
    maxWaitTimeMs: options.maxWaitTimeMs ?? 1000,
    maxBytesPerPartition: options.maxBytesPerPartition ?? 1_048_576,
    partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 1,
    failureBackoff: resolveBackoff(
      'EventProcessConsumer',
      'failureBackoff',
      options.failureBackoff,
    ),
  };
  const dl = o.deadLetters as Partial<DeadLetterRouting> | undefined;
  checkOptions('EventProcessConsumer', [
    ['kafka', '[object]', hasMethods(o.kafka, ['consumer']), 'a kafkajs Kafka client'],
    [
      'consumerName',
      o.consumerName,
      isMessagingId(o.consumerName),
      '1 to 255 characters [A-Za-z0-9._-]',
    ],
    ['groupId', o.groupId, isNonEmptyString(o.groupId), 'a non-empty string'],
    ['topics', o.topics, isTopicList(o.topics), 'a non-empty list of distinct topic names'],
    ['accept', '[value]', typeof o.accept === 'function', 'a function'],
    ['sink', '[value]', typeof o.sink === 'function', 'a function'],
    ['deadLetters.store', '[value]', hasMethods(dl?.store, ['record']), 'a DeadLetterStore'],
    [
      'deadLetters.topic',
      dl?.topic,
      typeof dl?.topic === 'string' && TOPIC_NAME.test(dl.topic),
      'a topic name',
    ],
    ['deadLetters.publisher', '[value]', hasMethods(dl?.publisher, ['send']), 'a RecordSender'],
    ['hooks', '[object]', !('hooks' in options), 'unset: it was renamed observer'],
    ['clock', '[value]', hasMethods(o.clock, ['now']), 'a Clock'],
    [
      'sessionTimeoutMs',
      o.sessionTimeoutMs,
      isPositiveInteger(o.sessionTimeoutMs),
      'an integer > 0',
    ],
    [
      'heartbeatIntervalMs',
      o.heartbeatIntervalMs,
      isPositiveInteger(o.heartbeatIntervalMs) && o.heartbeatIntervalMs < o.sessionTimeoutMs,
      'an integer > 0 and < sessionTimeoutMs',
    ],
    [
      'rebalanceTimeoutMs',
      o.rebalanceTimeoutMs,
      isPositiveInteger(o.rebalanceTimeoutMs),
      'an integer > 0',
    ],
    ['maxWaitTimeMs', o.maxWaitTimeMs, isPositiveInteger(o.maxWaitTimeMs), 'an integer > 0'],
    [
      'maxBytesPerPartition',
      o.maxBytesPerPartition,
      isPositiveInteger(o.maxBytesPerPartition),
      'an integer > 0',
    ],
    [
      'partitionsConsumedConcurrently',
      o.partitionsConsumedConcurrently,
      isPositiveInteger(o.partitionsConsumedConcurrently),
      'an integer > 0',
    ],
  ]);
  resolveCodecOptions(o.codec);
  return o;
}

/** A record that becomes a dead letter, and why. */
interface Rejected {
  readonly message: KafkaMessage;
  readonly error: MessageDecodeError | MessageRejectedError;
}

/** Dead-letter value cut used when the full record does not fit the dead-letter topic. */
const FALLBACK_DEAD_LETTER_VALUE_BYTES = 1024;

/**
 * Consumes topics in batches with manual offset commits — the entry of the EventProcess
 * pipeline for the orchestrator (replies) and participants (their commands).
 *
 * For each batch (one partition's fetched records): decode every record; records that are
 * not a valid envelope, or that {@link EventProcessConsumerOptions.accept} rejects, become dead
 * letters (the `dead_letter` table, then the dead-letter topic) with their reason code;
 * the others go to the sink in one call; then the offset after the batch is committed.
 * Offsets are committed only after the sink resolved, so nothing is committed that is not
 * durable; a failed batch is not committed and Kafka delivers it again after a bounded
 * back-off (the sink deduplicates). A bad record never blocks its partition.
 *
 * Reads `read_committed`: aborted relay transactions (`TransactionalPublisher`) are never seen.
 *
 * @example
 * ```ts
 * const consumer = new EventProcessConsumer({
 *   kafka, consumerName: 'payment-service', topics: [topics.commands('payment-service')],
 *   accept: acceptOnly({ kinds: ['command', 'compensation'], messageTypes: ['ReserveCredit'] }),
 *   sink: async (messages) => { const { accepted } = await eventProcess.receive(messages); await pool.enqueue(accepted); },
 *   deadLetters: { store: deadLetterStore, topic: topics.deadLetters, publisher },
 *   logger,
 * });
 * await consumer.start();
 * // on SIGTERM:
 * await consumer.stop();
 * ```
 */
export class EventProcessConsumer {
  readonly #options: ResolvedOptions;
  readonly #logger: Logger;
  #consumer: Consumer | undefined;
  /** The `run()` in progress (connect, subscribe, first join): `stop()` waits for it. */
  #starting: Promise<void> | null = null;
  #state: EventProcessConsumerState = 'stopped';
  #stop = new AbortController();
  /** Failed batches in a row, across partitions: drives the back-off. */
  #failuresInRow = 0;
  readonly #stats: { -readonly [K in keyof EventProcessConsumerStats]: number } = {
    received: 0,
    delivered: 0,
    deadLettered: 0,
    batches: 0,
    failures: 0,
  };

  constructor(options: EventProcessConsumerOptions) {
    this.#options = resolveOptions(options);
    this.#logger = this.#options.logger.child({
      component: 'event-process-consumer',
      consumer: this.#options.consumerName,
      groupId: this.#options.groupId,
    });
  }

  /** Counters since creation. */
  get stats(): EventProcessConsumerStats {
    return { ...this.#stats };
  }

  /**
   * True between {@link start} and {@link stop} (`joining` or `running`), unless kafkajs gave
   * up on the consumer (`crashed`): readiness checks use it, or {@link state}.
   */
  get running(): boolean {
    return this.#state === 'joining' || this.#state === 'running';
  }

  /** Where the consumer is in its group membership; see {@link EventProcessConsumerState}. */
  get state(): EventProcessConsumerState {
    return this.#state;
  }

  /**
   * Connects, subscribes and joins the group; resolves once the first join completed and
   * consumption runs — or once it failed in a way kafkajs restarts from, which leaves the
   * consumer `joining` until the group is joined. Does nothing if already started.
   *
   * @throws `TransientError` (`KAFKA_CONSUMER_START_FAILED`, retryable) when connecting or
   * subscribing fails.
   */
  async start(): Promise<void> {
    if (this.#consumer !== undefined) return;
    this.#starting = this.#start();
    try {
      await this.#starting;
    } finally {
      this.#starting = null;
    }
  }

  async #start(): Promise<void> {
    const o = this.#options;
    const consumer = o.kafka.consumer({
      groupId: o.groupId,
      sessionTimeout: o.sessionTimeoutMs,
      heartbeatInterval: o.heartbeatIntervalMs,
      rebalanceTimeout: o.rebalanceTimeoutMs,
      maxWaitTimeInMs: o.maxWaitTimeMs,
      maxBytesPerPartition: o.maxBytesPerPartition,
      readUncommitted: false,
      allowAutoTopicCreation: false,
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (payload.restart) {
        this.#logger.warn('consumer crashed; kafkajs restarts it', { error: payload.error });
        this.#setState('joining', null);
      } else {
        this.#logger.error('consumer crashed and stopped consuming', { error: payload.error });
        this.#setState('crashed', null);
      }
    });
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      // Also at every rebalance: the member stays `running` throughout.
      this.#logger.info('consumer joined its group', {
        durationMs: payload.duration,
        isLeader: payload.isLeader,
        partitions: payload.memberAssignment,
      });
      this.#setState('running', payload.duration);
    });
    this.#consumer = consumer;
    this.#stop = new AbortController();
    this.#setState('joining', null);
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [...o.topics], fromBeginning: o.fromBeginning });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: o.partitionsConsumedConcurrently,
        eachBatch: (payload) => this.#handleBatch(payload),
      });
    } catch (error) {
      this.#consumer = undefined;
      this.#setState('stopped', null);
      await consumer.disconnect().catch((disconnectError: unknown) => {
        this.#logger.warn('disconnecting the consumer that failed to start failed', {
          error: disconnectError,
        });
      });
      throw new TransientError(
        'KAFKA_CONSUMER_START_FAILED',
        `consumer group '${o.groupId}' could not start`,
        { cause: error, context: { topics: o.topics, groupId: o.groupId } },
      );
    }
    this.#logger.info('consumer started', { topics: o.topics, state: this.#state });
  }

  /**
   * Stops gracefully: the batch in hand is finished and committed (unless it is backing off
   * after a failure: then it is left uncommitted), later fetched batches are left alone,
   * the member leaves the group (so the others take its partitions over at once, not after
   * its session timed out) and disconnects. Nothing durable stays uncommitted for long,
   * nothing not durable is committed.
   *
   * A start in progress is let finish first (kafkajs cannot abandon a join half-way
   * without risking a member that rejoins after the disconnect): during `joining` the stop
   * may take up to `sessionTimeoutMs`.
   */
  async stop(): Promise<void> {
    await this.#starting?.catch(() => undefined);
    const consumer = this.#consumer;
    if (consumer === undefined) return;
    this.#stop.abort();
    await consumer.disconnect();
    this.#consumer = undefined;
    this.#setState('stopped', null);
    this.#logger.info('consumer stopped', { ...this.#stats });
  }

  #setState(state: EventProcessConsumerState, joinMs: number | null): void {
    const previous = this.#state;
    if (previous === state) return;
    this.#state = state;
    notifyObserver(
      this.#options.observer,
      'onStateChange',
      { state, previous, joinMs },
      { logger: this.#logger, component: 'EventProcess consumer' },
    );
  }

  async #handleBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const heartbeat = (): Promise<void> => payload.heartbeat();
    const first = batch.messages[0];
    if (first === undefined || payload.isStale()) return;
    const started = Date.now();
    const where = {
      topic: batch.topic,
      partition: batch.partition,
      firstOffset: first.offset,
      lastOffset: batch.lastOffset(),
    };
    this.#stats.received += batch.messages.length;

    const { accepted, rejected } = await this.#durably('decode', where, heartbeat, () =>
      Promise.resolve(this.#classify(batch)),
    );
    const deadLettered = await this.#durably('dead-letter', where, heartbeat, () =>
      this.#deadLetter(batch, rejected),
    );
    await heartbeat();
    if (accepted.length > 0) {
      await this.#durably('sink', where, heartbeat, () => this.#options.sink(accepted));
    }

    // The next offset to read. `lastOffset()` also covers records kafkajs filtered out
    // (transaction markers, aborted records), so the committed position never lags behind
    // them. Committed through the batch payload: the consumer's own commitOffsets is
    // skipped once stop() has begun, which would lose the commit of the batch in hand.
    const next = (BigInt(where.lastOffset) + 1n).toString();
    await payload.commitOffsetsIfNecessary({
      topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: next }] }],
    });
    payload.resolveOffset(where.lastOffset);

    this.#failuresInRow = 0;
    this.#stats.delivered += accepted.length;
    this.#stats.batches += 1;
    const durationMs = Date.now() - started;
    this.#logger.debug('batch committed', {
      ...where,
      committed: next,
      delivered: accepted.length,
      deadLettered,
      durationMs,
    });
    notifyObserver(
      this.#options.observer,
      'onBatch',
      {
        topic: batch.topic,
        partition: batch.partition,
        received: batch.messages.length,
        delivered: accepted.length,
        deadLettered: rejected.length,
        durationMs,
      },
      { logger: this.#logger, component: 'EventProcess consumer' },
    );
    await heartbeat();
  }

  /**
   * Runs one step of a batch; on failure counts it, backs off (heartbeating, cut short by
   * stop()) and throws a retryable `KAFKA_BATCH_FAILED`, which makes kafkajs fetch the
   * uncommitted batch again. Wrapping also keeps kafkajs from treating a `TypeError` from
   * user code as unrecoverable, which would stop the consumer for good.
   */
  async #durably<T>(
    stage: BatchStage,
    where: { topic: string; partition: number; firstOffset: string; lastOffset: string },
    heartbeat: () => Promise<void>,
    step: () => Promise<T>,
  ): Promise<T> {
    try {
      return await step();
    } catch (cause) {
      this.#failuresInRow += 1;
      this.#stats.failures += 1;
      const error = new TransientError(
        'KAFKA_BATCH_FAILED',
        `batch ${where.topic}[${where.partition}] offsets ${where.firstOffset}..${where.lastOffset} failed at the ${stage} step and will be delivered again`,
        { cause, context: { ...where, stage } },
      );
      const delayMs = backoffDelay(this.#failuresInRow, this.#options.failureBackoff);
      this.#logger.warn('batch failed; not committed, it will be delivered again', {
        error,
        failuresInRow: this.#failuresInRow,
        retryInMs: delayMs,
      });
      notifyObserver(this.#options.observer, 'onFailure', error, {
        logger: this.#logger,
        component: 'EventProcess consumer',
      });
      await this.#backOff(delayMs, heartbeat);
      throw error;
    }
  }

  async #backOff(delayMs: number, heartbeat: () => Promise<void>): Promise<void> {
    const deadline = Date.now() + delayMs;
    const signal = this.#stop.signal;
    const stopped = (): boolean => signal.aborted;
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0 || stopped()) return;
      await abortableSleep(Math.min(left, this.#options.heartbeatIntervalMs), signal);
      if (!stopped()) await heartbeat();
    }
  }

  #classify(batch: Batch): { accepted: ConsumedMessage[]; rejected: Rejected[] } {
    const { consumerName, accept } = this.#options;
    const accepted: ConsumedMessage[] = [];
    const rejected: Rejected[] = [];
    for (const message of batch.messages) {
      const text = message.value === null ? undefined : strictText(message.value);
      const decoded = this.#decode(message.value, text);
      if (!decoded.ok) {
        rejected.push({ message, error: decoded.error });
        continue;
      }
      const { envelope } = decoded;
      const decision = accept(envelope);
      if (!decision.ok) {
        rejected.push({
          message,
          error: new MessageRejectedError(decision.code, decision.message, {
            messageId: envelope.messageId,
            sagaId: envelope.sagaId,
          }),
        });
        continue;
      }
      accepted.push({
        consumer: consumerName,
        messageId: envelope.messageId,
        sagaId: envelope.sagaId,
        messageType: envelope.messageType,
        // `text` is defined: a decoded envelope came from it.
        payload: text ?? '',
        step: envelope.step,
        direction: envelope.kind === 'reply' ? null : commandDirection(envelope.kind),
        envelope,
        topic: batch.topic,
        partition: batch.partition,
        offset: message.offset,
      });
    }
    return { accepted, rejected };
  }

  #decode(value: Buffer | null, text: string | undefined): DecodeResult {
    if (value === null) {
      return {
        ok: false,
        error: new MessageDecodeError(
          MessageDecodeErrorCode.Undecodable,
          'message has no value (a tombstone)',
        ),
      };
    }
    if (text === undefined) {
      return {
        ok: false,
        error: new MessageDecodeError(
          MessageDecodeErrorCode.Undecodable,
          'message value is not valid UTF-8',
        ),
      };
    }
    return decodeEnvelope(text, this.#options.codec);
  }

  /**
   * Records each rejected record in the table, then sends them all to the dead-letter
   * topic. A redelivered batch finds its rows already there (the store is idempotent per
   * record) but sends them again: the topic is at-least-once. Returns how many were new.
   */
  async #deadLetter(batch: Batch, rejected: readonly Rejected[]): Promise<number> {
    if (rejected.length === 0) return 0;
    const { consumerName, clock, deadLetters } = this.#options;
    const failedAt = clock.now();
    const records: KafkaRecord[] = [];
    let created = 0;
    for (const { message, error } of rejected) {
      const { record, value } = fittedDeadLetter({
        sourceTopic: batch.topic,
        partition: batch.partition,
        offset: message.offset,
        key: lenientText(message.key),
        value: lenientText(message.value),
        headers: headersText(message.headers),
        consumer: consumerName,
        failedAt,
        error,
      });
      const stored = await deadLetters.store.record(toDeadLetter(record));
      records.push({ topic: deadLetters.topic, key: record.key, value, headers: {} });
      if (!stored.created) continue;
      created += 1;
      this.#logger.warn('message dead-lettered', {
        topic: batch.topic,
        partition: batch.partition,
        offset: message.offset,
        reasonCode: record.reason.code,
        reason: record.reason.message,
        messageId: record.messageId,
        sagaId: record.sagaId,
        deadLetterId: stored.id,
      });
      notifyObserver(
        this.#options.observer,
        'onDeadLetter',
        {
          topic: batch.topic,
          partition: batch.partition,
          offset: message.offset,
          reasonCode: record.reason.code,
        },
        { logger: this.#logger, component: 'EventProcess consumer' },
      );
    }
    await deadLetters.publisher.send(records);
    this.#stats.deadLettered += created;
    return created;
  }
}

/**
 * The dead-letter record and its encoding. Its value is cut to 512 KiB already; if the
 * record still does not fit (huge headers), the value is cut much shorter rather than
 * failing the batch forever.
 */
function fittedDeadLetter(input: DeadLetterInput): { record: DeadLetterRecord; value: string } {
  const record = createDeadLetterRecord(input);
  try {
    return { record, value: encodeDeadLetter(record) };
  } catch (error) {
    if (!(error instanceof MessageEncodeError)) throw error;
    const smaller = createDeadLetterRecord(input, {
      maxValueBytes: FALLBACK_DEAD_LETTER_VALUE_BYTES,
    });
    return { record: smaller, value: encodeDeadLetter(smaller) };
  }
}
