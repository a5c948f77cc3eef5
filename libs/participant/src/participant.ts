import { errorMessage, InvalidArgumentError, type Logger, ServiceLifecycle } from '@sagaflow/core';
import { createQueueConnection, EventProcessWorkerPool, RecurringJobs } from '@sagaflow/jobs';
import {
  acceptOnly,
  ensureTopics,
  retryWithBackoff,
  EventProcessConsumer,
  OutboxRelay,
  createRelayPublisher,
  type RelayPublisher,
} from '@sagaflow/kafka';
import {
  MySqlDeadLetterStore,
  MySqlEventProcessStore,
  MySqlOutbox,
  purgeFinished,
  StepResults,
} from '@sagaflow/mysql';
import {
  CachedEventProcessStore,
  closeRedis,
  createRedis,
  Reconciler,
  RedisEventProcessCache,
} from '@sagaflow/redis';

import { applyCommandBatch } from './command-batch';
import { CommandProcessor } from './command-processor';
import { ParticipantAdmin } from './participant-admin';
import { ParticipantMonitor } from './participant-monitor';
import { type ParticipantStats } from './participant-observer';
import {
  type ParticipantOptions,
  type ResolvedParticipantOptions,
  resolveParticipantOptions,
} from './participant-options';

/** One dependency's state, as `Participant.checkHealth` reports it. */
export interface HealthCheck {
  readonly ok: boolean;
  /** Why it is not ok. */
  readonly error?: string;
}

/** What `Participant.checkHealth` found: ready when every check is ok. */
export interface ParticipantHealth {
  readonly ready: boolean;
  readonly checks: {
    /** The command consumer and the reply relay are running. */
    readonly kafka: HealthCheck;
    readonly mysql: HealthCheck;
    readonly redis: HealthCheck;
  };
}

/** What a started participant runs; built by `start()`, torn down by `stop()`. */
interface Runtime {
  readonly consumer: EventProcessConsumer;
  readonly publisher: RelayPublisher;
  readonly relay: OutboxRelay;
  readonly pool: EventProcessWorkerPool;
  readonly recurring: RecurringJobs;
  readonly redis: ReturnType<typeof createRedis>;
}

/** The recurring tasks a participant registers on its maintenance queue. */
const RECOVERY_TASK = 'recover-event-process';
const PURGE_TASK = 'purge';
/** Longest wait for a Redis `QUIT` at stop before the connection is dropped. */
const REDIS_QUIT_TIMEOUT_MS = 2_000;

/**
 * A participant service's runtime: consumes its command topic into the EventProcess table,
 * processes the commands with typed handlers on a BullMQ worker pool — each in one MySQL
 * transaction with its reply in the outbox — and relays the replies to Kafka.
 *
 * - **Effectively once**: a redelivered command is dropped by the EventProcess table (primary key on
 *   `(consumer, messageId)`, cached in Redis); a new attempt of a step that applied is
 *   answered from `step_result` without running the handler again; concurrent attempts
 *   are serialised by `step_result`'s primary key. For as long as those rows are kept:
 *   the purge deletes them after `retentionMs`.
 * - **Never applied after its compensation**: a compensation of a step that never applied
 *   answers success without running the handler, and the forward command is refused
 *   (`ALREADY_COMPENSATED`) if it arrives later.
 * - **Nothing lost**: offsets are committed only once the EventProcess rows are durable; a record
 *   whose job was lost (a crash, a Redis flush) is queued again by the recovery job after
 *   `leaseMs`; replies wait in the outbox until Kafka has them.
 *
 * Create it with {@link createParticipant}.
 */
export class Participant {
  readonly #o: ResolvedParticipantOptions;
  readonly #monitor: ParticipantMonitor;
  readonly #logger: Logger;
  readonly #eventProcess: MySqlEventProcessStore;
  readonly #deadLetters: MySqlDeadLetterStore;
  readonly #stepResults: StepResults;
  readonly #admin: ParticipantAdmin;
  readonly #lifecycle: ServiceLifecycle;
  #runtime: Runtime | null = null;

  constructor(options: ParticipantOptions) {
    this.#o = resolveParticipantOptions(options);
    this.#logger = this.#o.logger.child({ participant: this.#o.name });
    this.#monitor = new ParticipantMonitor(this.#o.observer, this.#logger);
    this.#lifecycle = new ServiceLifecycle({
      service: 'participant',
      logger: this.#logger,
      restartable: true,
    });
    this.#eventProcess = new MySqlEventProcessStore(this.#o.dataSource, { clock: this.#o.clock });
    this.#deadLetters = new MySqlDeadLetterStore(this.#o.dataSource, { clock: this.#o.clock });
    this.#stepResults = new StepResults({ clock: this.#o.clock });
    this.#admin = new ParticipantAdmin({
      name: this.#o.name,
      commandTopic: this.#o.topics.commands(this.#o.name),
      deadLetters: this.#deadLetters,
      eventProcess: this.#eventProcess,
      runtime: () => {
        const runtime = this.#runtime;
        return runtime === null
          ? null
          : { sender: runtime.publisher, requeue: (records) => runtime.pool.requeue(records) };
      },
      clock: this.#o.clock,
      logger: this.#logger.child({ component: 'admin' }),
    });
  }

  /** The participant's name. */
  get name(): string {
    return this.#o.name;
  }

  /** True between a successful {@link start} and {@link stop}. */
  get running(): boolean {
    return this.#lifecycle.running;
  }

  /**
   * The operator surface: list and replay this participant's dead letters, list and retry
   * its FAILED EventProcess records — as methods, or over HTTP with `admin.handle(req, res)`.
   */
  get admin(): ParticipantAdmin {
    return this.#admin;
  }

  /** Counters since creation (they survive a stop and start). */
  get stats(): ParticipantStats {
    return this.#monitor.stats;
  }

  /**
   * Ensures the topics (its command topic, the replies and the dead letters), then starts
   * the reply relay, the worker pool, the recurring jobs (recovery, purge) and, last, the
   * command consumer; resolves once the consumer has joined its group. Does nothing if running.
   * On a failure, what was started is stopped again and the error is thrown.
   */
  start(): Promise<void> {
    return this.#lifecycle.start(async () => {
      if (!this.#o.dataSource.isInitialized) {
        throw new InvalidArgumentError(
          'dataSource',
          this.#o.dataSource.options.database,
          'must be initialized (and migrated) before start()',
        );
      }
      this.#runtime = await this.#startRuntime();
      this.#logger.info('participant started', {
        commands: Object.keys(this.#o.handlers),
        topic: this.#o.topics.commands(this.#o.name),
        groupId: this.#o.groupId,
        concurrency: this.#o.concurrency,
      });
    });
  }

  /**
   * Stops gracefully: the consumer finishes and commits the batch in hand, the workers
   * finish the commands they run (queued ones stay queued), the relay publishes what is
   * left in the outbox if it can, then the Redis connections close. Nothing is lost:
   * whatever did not finish is picked up at the next start. Does nothing if not running.
   *
   * @throws ShutdownError (`SHUTDOWN_FAILED`, from `@sagaflow/core`) naming every component
   * that failed to close, once every other one is closed.
   */
  async stop(): Promise<void> {
    try {
      await this.#lifecycle.stop();
    } finally {
      this.#runtime = null;
    }
  }

  /**
   * Readiness: the consumer and relay run, MySQL answers `SELECT 1`, Redis answers `PING`.
   * Never throws.
   */
  async checkHealth(): Promise<ParticipantHealth> {
    const runtime = this.#runtime;
    const kafka: HealthCheck =
      runtime !== null && runtime.consumer.running && runtime.relay.running
        ? { ok: true }
        : { ok: false, error: runtime === null ? 'not started' : 'consumer or relay stopped' };
    const [mysql, redis] = await Promise.all([
      probe(() => this.#o.dataSource.query('SELECT 1')),
      runtime === null
        ? Promise.resolve<HealthCheck>({ ok: false, error: 'not started' })
        : probe(() => runtime.redis.ping()),
    ]);
    return { ready: kafka.ok && mysql.ok && redis.ok, checks: { kafka, mysql, redis } };
  }

  /**
   * Runs the recovery task now (queue stale EventProcess records again, repair the EventProcess
   * cache) instead of waiting for its schedule; for tests and admin tools.
   * @throws InvalidArgumentError when not running.
   */
  async recoverNow(): Promise<void> {
    const runtime = this.#runtime;
    if (runtime === null) {
      throw new InvalidArgumentError('participant', this.#o.name, 'is not running');
    }
    await runtime.recurring.runNow(RECOVERY_TASK);
  }

  async #startRuntime(): Promise<Runtime> {
    const o = this.#o;
    const log = this.#logger;
    const opened = (...closer: Parameters<ServiceLifecycle['opened']>): void => {
      this.#lifecycle.opened(...closer);
    };
    await retryWithBackoff(() => this.#ensureTopics(), { onRetry: this.#retrying('topics') });

    const redis = createRedis({
      url: o.redis.url,
      keyPrefix: o.redis.keyPrefix,
      ...o.redis.security,
      connectionName: `${o.name}-cache`,
      logger: log,
    });
    opened('connections', 'redis', () => closeRedis(redis, REDIS_QUIT_TIMEOUT_MS));
    const connection = createQueueConnection({
      url: o.redis.url,
      ...o.redis.security,
      connectionName: `${o.name}-queues`,
      logger: log,
    });
    opened('connections', 'queue connection', () => closeRedis(connection, REDIS_QUIT_TIMEOUT_MS));

    const statuses = new RedisEventProcessCache(redis);
    const eventProcess = new CachedEventProcessStore(this.#eventProcess, statuses, {
      logger: log,
    });

    const publisher = createRelayPublisher({
      kafka: o.kafka,
      transactions: o.relayDelivery === 'transactional',
      transactionalId: o.transactionalId,
      logger: log,
    });
    opened('delivery', 'publisher', () => publisher.disconnect());
    await retryWithBackoff(() => publisher.connect(), {
      onRetry: this.#retrying('reply producer'),
    });
    const outbox = new MySqlOutbox(o.dataSource, { clock: o.clock });
    const relay = new OutboxRelay({ outbox, publisher, logger: log, ...o.relay });
    // Stopping the relay lets its pass finish; draining then publishes the replies the last
    // commands committed. If Kafka is away they stay in the outbox for the next start.
    opened('delivery', 'relay', async () => {
      await relay.stop();
      await relay.drain();
    });
    relay.start();

    const processor = new CommandProcessor({
      consumer: o.name,
      dataSource: o.dataSource,
      eventProcess: this.#eventProcess,
      topics: o.topics,
      handlers: o.handlers,
      clock: o.clock,
      logger: log,
      monitor: this.#monitor,
      onCommitted: (replies) => {
        relay.publishCommitted(replies);
      },
    });
    const queues = { connection, queuePrefix: o.redis.queuePrefix };
    // A job lost with Redis is logged at warn by the worker; the recovery job repairs it.
    const lostJobs = {
      onJobLost: ({ queue }: { readonly queue: string }) => {
        this.#monitor.jobLost(queue);
      },
    };
    const pool = new EventProcessWorkerPool({
      ...queues,
      eventProcess,
      handlers: { [o.name]: (record, run) => processor.process(record, run) },
      concurrency: o.concurrency,
      maxAttempts: o.maxHandlerAttempts,
      backoffMs: o.handlerBackoffMs,
      leaseMs: o.leaseMs,
      afterHandled: (record) => eventProcess.rememberDone(record.consumer, record.messageId),
      // The record is FAILED: still tell the orchestrator, rather than let it time out.
      onClaimFailed: (message, error) => processor.answerUnclaimed(message, error),
      clock: o.clock,
      logger: log,
      observer: lostJobs,
    });
    opened('work', 'worker pool', () => pool.close());
    await pool.start();

    const reconciler = new Reconciler({
      eventProcessCache: statuses,
      // The database may hold other consumers' records: this participant requeues its own.
      eventProcessSource: {
        findStale: (olderThan, limit) => this.#eventProcess.findStale(olderThan, limit, o.name),
        get: (consumer, messageId) => this.#eventProcess.get(consumer, messageId),
      },
      requeue: (records) => pool.requeue(records),
      staleEventProcessAfterMs: o.leaseMs,
      clock: o.clock,
      logger: log,
    });
    const recurring = new RecurringJobs({ ...queues, logger: log, observer: lostJobs });
    recurring.register(RECOVERY_TASK, o.recoveryIntervalMs, () => reconciler.run());
    recurring.register(PURGE_TASK, o.purgeIntervalMs, () => this.#purge(outbox));
    opened('work', 'recurring jobs', () => recurring.close());
    await recurring.start();

    const consumer = new EventProcessConsumer({
      kafka: o.kafka,
      consumerName: o.name,
      groupId: o.groupId,
      topics: [o.topics.commands(o.name)],
      accept: acceptOnly({
        kinds: ['command', 'compensation'],
        participant: o.name,
        messageTypes: Object.keys(o.handlers),
      }),
      sink: async (messages) => {
        // Each message carries its step and direction: the EventProcess table stores them as they are.
        const { accepted, duplicates } = await eventProcess.receive(messages);
        this.#monitor.duplicate('redelivered', duplicates.length);
        if (duplicates.length > 0) {
          log.info('redelivered commands dropped', {
            count: duplicates.length,
            messageIds: duplicates.map((d) => d.messageId),
          });
        }
        // New commands run here and now, the batch in one transaction (what it leaves runs
        // one by one through the pool, in order per saga); the offsets are committed once
        // they are answered. A redelivered command whose record was never applied (a crash
        // before its run ended) is queued and runs now instead of waiting for
        // reconciliation; a record already DONE is skipped by the pool.
        await applyCommandBatch(accepted, {
          processor,
          pool,
          eventProcess,
          maxAttempts: o.maxHandlerAttempts,
        });
        if (duplicates.length > 0) await pool.enqueue(duplicates);
      },
      deadLetters: {
        store: this.#deadLetters,
        topic: o.topics.deadLetters,
        publisher,
      },
      observer: {
        onDeadLetter: ({ reasonCode }) => {
          this.#monitor.deadLetter(reasonCode);
        },
      },
      clock: o.clock,
      logger: log,
      ...o.consumer,
    });
    opened('intake', 'consumer', () => consumer.stop());
    await consumer.start();

    return {
      consumer,
      publisher,
      relay,
      pool,
      recurring,
      redis,
    };
  }

  /** Logs a start-up step against Kafka that failed and will run again. */
  #retrying(what: string): (error: unknown, failures: number, delayMs: number) => void {
    return (error, failures, delayMs) => {
      this.#logger.warn(`${what}: Kafka did not answer; retrying`, { error, failures, delayMs });
    };
  }

  async #ensureTopics(): Promise<void> {
    const { kafka, topics, name, topicPartitions } = this.#o;
    const admin = kafka.admin();
    await admin.connect();
    try {
      await ensureTopics(admin, [topics.commands(name), topics.replies, topics.deadLetters], {
        partitions: topicPartitions,
      });
    } finally {
      await admin.disconnect();
    }
  }

  /**
   * Deletes the finished rows older than the retention — published replies, this
   * participant's DONE EventProcess records and answered step results — in small
   * transactions, bounded per run.
   */
  async #purge(outbox: MySqlOutbox): Promise<Record<string, number>> {
    const { name, dataSource, clock, retentionMs } = this.#o;
    const before = new Date(clock.now().getTime() - retentionMs);
    const deleted = await purgeFinished({
      outbox: (limit) => outbox.deletePublishedBefore(before, limit),
      event_process: (limit) => this.#eventProcess.deleteDoneBefore(before, limit, name),
      step_result: (limit) =>
        this.#stepResults.deleteBefore(dataSource.manager, before, limit, name),
    });
    if (Object.values(deleted).some((count) => count > 0)) {
      this.#logger.info('finished rows purged', { deleted, retentionMs });
    }
    return deleted;
  }
}

/**
 * Creates a participant from its options (validated here: an `InvalidArgumentError` names every
 * bad field and its value). Nothing connects before {@link Participant.start}.
 *
 * @example
 * ```ts
 * const participant = createParticipant({
 *   name: 'payment-service',
 *   dataSource, // initialized, migrated with participantMigrations + the service's own
 *   kafka: createKafka({ brokers: ['127.0.0.1:9092'], clientId: 'payment-service' }),
 *   topics: createTopicNames({ prefix: 'sagaflow.' }),
 *   redis: { url: 'redis://127.0.0.1:6379', keyPrefix: 'sagaflow:payment-service:' },
 *   handlers: {
 *     ReserveCredit: commandHandler(
 *       z.object({ customerId: z.string(), orderId: z.string(), amount: z.number().positive() }),
 *       async (payload, { manager }) => reserveCredit(manager, payload),
 *     ),
 *     ReleaseCredit: commandHandler(z.object({ orderId: z.string() }), async (payload, { manager }) =>
 *       releaseCredit(manager, payload.orderId),
 *     ),
 *   },
 *   logger,
 * });
 * await participant.start();
 * process.once('SIGTERM', () => void participant.stop());
 * ```
 */
export function createParticipant(options: ParticipantOptions): Participant {
  return new Participant(options);
}

async function probe(check: () => Promise<unknown>): Promise<HealthCheck> {
  try {
    await check();
    return { ok: true };
  } catch (error) {
    return { ok: false, error: errorMessage(error) };
  }
}
