import { resolve as resolvePath } from 'node:path';

import { safeName } from '@sagaflow/config';
import {
  DefinitionRegistry,
  type Logger,
  SagaEngine,
  ServiceLifecycle,
  systemClock,
} from '@sagaflow/core';
import {
  BullTimerScheduler,
  createQueueConnection,
  DeferredTimerScheduler,
  EventProcessWorkerPool,
  RecurringJobs,
  TimerWorker,
} from '@sagaflow/jobs';
import {
  acceptOnly,
  createKafka,
  createRelayPublisher,
  ensureTopics,
  retryWithBackoff,
  EventProcessConsumer,
  kafkaSecurity,
  OutboxRelay,
  readConsumerLag,
  replayDeadLetter,
} from '@sagaflow/kafka';
import { createCommandEncoder, createTopicNames } from '@sagaflow/messaging';
import {
  createDataSource,
  MySqlDeadLetterStore,
  MySqlEventStore,
  MySqlEventProcessStore,
  MySqlOutbox,
  mysqlTls,
  orchestratorEntities,
  orchestratorMigrations,
  purgeFinished,
  runMigrationsExclusively,
  SagaEventFeedQueries,
  SagaQueries,
} from '@sagaflow/mysql';
import { kafkaLogCreator, type LevelLogger } from '@sagaflow/observability';
import {
  CachedEventProcessStore,
  type CacheObserver,
  closeRedis,
  createRedis,
  Reconciler,
  RedisEventProcessCache,
  RedisSagaStateCache,
  redisSecurity,
} from '@sagaflow/redis';
import { type FastifyInstance } from 'fastify';
import { logLevel } from 'kafkajs';

import { createHttpApi } from '../http/create-http-api';
import { metricsObserver } from '../metrics/metrics-observer';
import {
  createOrchestratorMetrics,
  type OrchestratorMetrics,
} from '../metrics/orchestrator-metrics';
import { AdmissionControl } from './admission-control';
import { createFailedEventProcess } from './failed-event-process';
import { createHealthChecks } from './health-checks';
import { type OrchestratorOptions, resolveOrchestratorOptions } from './orchestrator-options';
import { participantsOf } from './participants-of';
import { recoverInFlight } from './recovery';
import { createReplyBatch } from './reply-batch';
import { createReplyHandler } from './reply-handler';
import { SagaCountsCache } from './saga-counts-cache';
import { createSagaStateSource } from './saga-state-source';
import { SingleFlightCache } from './single-flight-cache';
import { logFirstDecisions, sinceProcessStartMs } from './startup-timeline';
import { uuidIdGenerator } from './uuid-id-generator';

/**
 * With `SAGAFLOW_RELAY_DELIVERY=transactional`, the broker aborts a relay transaction left open this long. A batch commits in
 * milliseconds; the bound matters after a crash, when `read_committed` consumers cannot
 * read past the dead instance's open transaction until the broker aborts it.
 */
const RELAY_TRANSACTION_TIMEOUT_MS = 10_000;
/** Longest wait for a Redis `QUIT` at shutdown before the connection is dropped. */
const REDIS_QUIT_TIMEOUT_MS = 2_000;
/** The consumer lag gauge asks the brokers at most this often, however often it is scraped. */
const CONSUMER_LAG_TTL_MS = 5_000;

/** A running orchestrator instance, as {@link createOrchestrator} returns it. */
export interface Orchestrator {
  /**
   * Serves HTTP first (liveness answers at once; other routes answer 503 until the event
   * store is open), migrates the database (then `POST /sagas` is served: it needs MySQL
   * only), ensures the topics, connects the relay's producer, resumes what was in flight
   * (outbox, timers, abandoned EventProcess records) while the replies consumer joins its
   * group, and starts the maintenance jobs. Resolves once all of it runs — `GET /ready`
   * answers 200 from then on. On a failure, what was started is stopped again and the error
   * is rethrown.
   *
   * @throws ConflictError (`ORCHESTRATOR_STOPPED`) once `stop()` was called: create a new
   * orchestrator instead.
   */
  start(): Promise<void>;
  /**
   * Stops gracefully, losing nothing, in `StopStage` order: the replies consumer (it commits
   * what is durable) and HTTP, then the maintenance jobs and the workers (waiting for the
   * jobs they run), then one last outbox pass and the timers held back, then the
   * connections. Idempotent; safe before or during `start` (a stop during a start waits for
   * it, then closes what it opened).
   *
   * @throws ShutdownError (`SHUTDOWN_FAILED`, from `@sagaflow/core`) naming every component
   * that failed to close (the others are closed).
   */
  stop(): Promise<void>;
  /** The engine: start sagas, apply actions, read states and histories in-process. */
  readonly engine: SagaEngine;
  /** The status and admin API (fastify), listening from early in `start` (see {@link address}). */
  readonly http: FastifyInstance;
  /** The orchestrator's Prometheus metrics. */
  readonly metrics: OrchestratorMetrics;
  /** This instance's id (logs, the relay's transactional id). */
  readonly instanceId: string;
  /**
   * The HTTP API's base URL (`http://127.0.0.1:8080`; the bound port when 0 was asked), or
   * null when not listening. Set from the first step of `start`, before it resolves.
   */
  address(): string | null;
}

/**
 * Wires the orchestrator service around core's `SagaEngine`: the MySQL event store,
 * outbox, EventProcess table and dead-letter table; the outbox relay and the replies consumer on Kafka;
 * the Redis caches; the BullMQ timers, EventProcess worker pool and maintenance jobs
 * (reconciliation, the purge of finished rows); the HTTP API and its readiness checks; the
 * metrics.
 *
 * Nothing assumes a single instance: instances share the consumer group
 * `<topic prefix><serviceName>`, each has its own relay transactional id, migrations are
 * serialised by a database lock, the outbox is claimed by shard, the optimistic lock
 * keeps one saga advanced by one instance at a time, and timers and maintenance jobs run
 * once across the instances sharing the Redis queue prefix.
 *
 * Creating it opens the Redis connections: call `stop()` even when `start()` never ran
 * (a `start()` that fails stops what it started by itself).
 *
 * @example
 * ```ts
 * const orchestrator = createOrchestrator({
 *   config: loadOrchestratorConfig(process.env),
 *   definitions: [placeOrder],
 * });
 * await orchestrator.start();
 * process.once('SIGTERM', () => void orchestrator.stop());
 * ```
 */
export function createOrchestrator(options: OrchestratorOptions): Orchestrator {
  const { config, definitions, registry, instanceId, ...resolved } =
    resolveOrchestratorOptions(options);
  const serviceName = config.serviceName;
  const logger: Logger = resolved.logger.child({ instanceId });
  const log = logger.child({ component: 'orchestrator' });
  const clock = systemClock;

  const definitionRegistry = new DefinitionRegistry();
  for (const definition of definitions) definitionRegistry.register(definition);
  const topics = createTopicNames({ prefix: config.topics.prefix });
  const topicList = topics.all(participantsOf(definitions));
  const dataSource = createDataSource({
    type: config.mysql.driver,
    host: config.mysql.host,
    port: config.mysql.port,
    username: config.mysql.user,
    password: config.mysql.password,
    database: config.mysql.database,
    poolSize: config.mysql.poolSize,
    ssl: mysqlTls(config.mysql.ssl),
    entities: [...orchestratorEntities],
    migrations: [...orchestratorMigrations],
    // Every query of the orchestrator takes its values as parameters: the event store
    // sends each append as one round trip.
    multipleStatements: true,
  });
  const eventStore = new MySqlEventStore(dataSource, { clock, logger });
  const outbox = new MySqlOutbox(dataSource, { clock });
  const mySqlEventProcess = new MySqlEventProcessStore(dataSource, { clock });
  const deadLetters = new MySqlDeadLetterStore(dataSource, { clock });
  const queries = new SagaQueries(dataSource);
  // One count of the sagas by type and status per few seconds, whoever reads it.
  const sagaCounts = new SagaCountsCache(queries);

  const admission = new AdmissionControl({
    readBacklog: async () => {
      const [pendingReplies, inFlightSagas] = await Promise.all([
        mySqlEventProcess.countPending(serviceName),
        queries.countActive(),
      ]);
      return { pendingReplies, inFlightSagas };
    },
    maxPendingReplies: config.admission.maxPendingReplies,
    maxInFlightSagas: config.admission.maxInFlightSagas,
    onRefused: (reason) => {
      metrics.recordStartRefused(reason);
    },
    logger: log,
  });
  const metrics = createOrchestratorMetrics(registry, {
    outboxPending: () => outbox.pendingCount(),
    eventProcessFailed: () => mySqlEventProcess.countFailed(),
    // The count admission control keeps: a scrape adds no query of its own.
    eventProcessPending: async () => (await admission.backlog())?.pendingReplies ?? Number.NaN,
    sagasInFlight: async () => (await admission.backlog())?.inFlightSagas ?? Number.NaN,
    sagaCounts: () => sagaCounts.counts(),
    oldestActiveSagaStartedAt: () => queries.oldestActiveStartedAt(),
    outboxOldestPendingCreatedAt: () => outbox.oldestPendingCreatedAt(),
    consumerLag: () => consumerLag.get(),
    clock,
    logger,
  });

  const kafka = createKafka({
    brokers: config.kafka.brokers,
    clientId: config.kafka.clientId,
    logCreator: kafkaLogCreator(levelLogger(logger)),
    logLevel: config.logLevel === 'debug' ? logLevel.INFO : logLevel.WARN,
    ...kafkaSecurity(config.kafka),
  });
  const admin = kafka.admin();
  // The topic prefix keeps deployments that share a cluster in groups of their own.
  const repliesGroupId = `${topics.prefix}${serviceName}`;
  const consumerLag = new SingleFlightCache({
    read: () => readConsumerLag(admin, [{ groupId: repliesGroupId, topics: [topics.replies] }]),
    ttlMs: CONSUMER_LAG_TTL_MS,
  });
  const publisher = createRelayPublisher({
    kafka,
    transactions: config.relayDelivery === 'transactional',
    transactionalId: `${serviceName}-relay-${instanceId}`,
    transactionTimeoutMs: RELAY_TRANSACTION_TIMEOUT_MS,
    logger,
  });
  const relay = new OutboxRelay({
    outbox,
    publisher,
    pollIntervalMs: config.outboxPollIntervalMs,
    logger,
    observer: {
      onPublished: ({ count, durationMs }) => {
        metrics.recordOutboxPublished(count, durationMs);
      },
    },
  });
  // Commands go out right after their commit; the relay's passes take what is left.
  eventStore.onCommitted(({ outbox: messages }) => {
    relay.publishCommitted(messages);
  });

  // Credentials and TLS (its CA file read here) are checked before any connection opens.
  const redisConnection = redisSecurity(config.redis);
  // The Redis clients below connect at once. Every option the components built after them
  // could refuse was checked by resolveOrchestratorOptions, so none of them throws and
  // leaves the connections open.
  const queues = {
    queuePrefix: safeName(config.redis.keyPrefix),
    connection: createQueueConnection({
      url: config.redis.url,
      ...redisConnection,
      connectionName: `${serviceName}-queues-${instanceId}`,
      logger,
    }),
  };
  const redis = createRedis({
    url: config.redis.url,
    ...redisConnection,
    keyPrefix: config.redis.keyPrefix,
    connectionName: `${serviceName}-cache-${instanceId}`,
    logger,
  });

  const cacheObserver: CacheObserver = {
    onLookup: ({ cache, hits, misses }) => {
      metrics.recordCacheLookups(cache, hits, misses);
    },
    onCacheError: ({ cache, operation }) => {
      metrics.recordCacheError(cache, operation);
    },
  };
  const stateCache = new RedisSagaStateCache(redis, { observer: cacheObserver, logger });
  const eventProcessCache = new RedisEventProcessCache(redis);
  const eventProcess = new CachedEventProcessStore(mySqlEventProcess, eventProcessCache, {
    logger,
    observer: cacheObserver,
  });

  const queuedTimers = new BullTimerScheduler({ ...queues, clock, logger });
  const scheduler =
    config.timerHoldMs === 0
      ? queuedTimers
      : new DeferredTimerScheduler({
          inner: queuedTimers,
          holdMs: config.timerHoldMs,
          clock,
          logger,
        });
  const engine = new SagaEngine({
    definitions: definitionRegistry,
    eventStore,
    scheduler,
    commandEncoder: createCommandEncoder({ topics, source: serviceName }),
    clock,
    ids: uuidIdGenerator,
    stateCache,
    logger,
    observer: logFirstDecisions(metricsObserver(metrics), log),
  });
  const timerWorker = new TimerWorker({
    ...queues,
    handler: (timer) => engine.handleTimer(timer),
    logger,
  });
  const pool = new EventProcessWorkerPool({
    ...queues,
    eventProcess,
    handlers: { [serviceName]: createReplyHandler(engine) },
    concurrency: config.workerConcurrency,
    leaseMs: config.eventProcessLeaseMs,
    afterHandled: (record) => eventProcess.rememberDone(record.consumer, record.messageId),
    clock,
    logger,
  });

  const applyReplies = createReplyBatch({
    engine,
    processOneByOne: (messages) => pool.process(messages),
    rememberDone: (records) => eventProcess.rememberAllDone(records),
    logger,
  });

  const consumer = new EventProcessConsumer({
    kafka,
    consumerName: serviceName,
    groupId: repliesGroupId,
    topics: [topics.replies],
    accept: acceptOnly({ kinds: ['reply'] }),
    sink: async (messages) => {
      const { accepted, duplicates } = await eventProcess.receive(messages);
      metrics.recordDuplicates(serviceName, duplicates.length);
      if (duplicates.length > 0) {
        log.debug('duplicate replies discarded', {
          messageIds: duplicates.map((m) => m.messageId),
        });
      }
      // New replies are applied here and now, the batch in one transaction (what it leaves
      // goes one by one through the pool); the offsets are committed once they are. A
      // duplicate may be a redelivery of a record never applied (a crash before its run
      // ended): queued, it runs now instead of waiting for reconciliation; a record already
      // DONE is skipped by the pool.
      await applyReplies(accepted);
      if (duplicates.length > 0) await pool.enqueue(duplicates);
    },
    deadLetters: { store: deadLetters, topic: topics.deadLetters, publisher },
    clock,
    logger,
    // Short enough that an instance started after a crash (SIGKILL) waits seconds, not half
    // a minute, for the dead member to leave the group; see SAGAFLOW_KAFKA_SESSION_TIMEOUT_MS.
    sessionTimeoutMs: config.kafka.sessionTimeoutMs,
    heartbeatIntervalMs: config.kafka.heartbeatIntervalMs,
    rebalanceTimeoutMs: config.kafka.rebalanceTimeoutMs,
    observer: {
      onDeadLetter: ({ reasonCode }) => {
        metrics.recordDeadLetter(serviceName, reasonCode);
      },
      onStateChange: ({ state, previous, joinMs }) => {
        log.info(`replies consumer ${state}`, {
          state,
          previous,
          joinMs,
          sinceProcessStartMs: sinceProcessStartMs(),
        });
      },
    },
  });

  const reconciler = new Reconciler({
    stateCache,
    sagaSource: createSagaStateSource({ queries, store: eventStore }),
    rearm: (state) => engine.rearmTimers(state),
    eventProcessCache,
    eventProcessSource: mySqlEventProcess,
    requeue: (records) => pool.requeue(records),
    staleEventProcessAfterMs: config.eventProcessLeaseMs,
    clock,
    logger,
    observer: {
      onReconciled: (report) => {
        metrics.recordReconciliation(report);
      },
    },
  });
  const maintenance = new RecurringJobs({ ...queues, logger })
    .register('reconcile', config.reconciliationIntervalMs, () => reconciler.run())
    .register('purge', config.purgeIntervalMs, async () => {
      // The whole database is the orchestrator's: every consumer's DONE records go.
      const before = new Date(clock.now().getTime() - config.retentionMs);
      const deleted = await purgeFinished({
        outbox: (limit) => outbox.deletePublishedBefore(before, limit),
        event_process: (limit) => mySqlEventProcess.deleteDoneBefore(before, limit),
      });
      for (const [table, count] of Object.entries(deleted)) metrics.recordPurged(table, count);
      if (deleted.outbox + deleted.event_process > 0) {
        log.info('finished rows purged', { deleted, retentionMs: config.retentionMs });
      }
      return deleted;
    });

  const http = createHttpApi(
    {
      engine,
      definitions: definitionRegistry,
      // The counts of /stats are the gauges' own: one count of saga_instance per 5 s at most.
      sagas: {
        list: (query) => queries.list(query),
        counts: () => sagaCounts.counts(),
        stats: (query) => queries.stats(query),
        timeline: (query) => queries.timeline(query),
      },
      deadLetters,
      deadLetterReplay: { replay: (entry) => replayDeadLetter(entry, publisher) },
      failedEventProcess: createFailedEventProcess({
        eventProcess: mySqlEventProcess,
        requeue: (records) => pool.requeue(records),
        consumer: serviceName,
      }),
      events: new SagaEventFeedQueries(dataSource),
      outbox,
      admission,
      healthChecks: createHealthChecks({
        kafka: admin,
        consumerState: () => consumer.state,
        mysql: dataSource,
        redis,
      }),
      metrics: registry.registry,
      requestMetrics: metrics,
      logger,
      clock,
    },
    {
      authentication: config.api.auth,
      apiTokens: config.api.tokens,
      metricsPublic: config.api.metricsPublic,
      writeRateLimitPerMinute: config.api.writeRateLimitPerMinute,
      bodyLimitBytes: config.api.bodyLimitBytes,
      readyCheckTimeoutMs: config.api.readyCheckTimeoutMs,
      eventStream: config.api.eventStream,
      stuckAfterMs: config.api.stuckAfterMs,
      statsCacheMs: config.api.statsCacheMs,
      ...(config.api.dashboardDir === ''
        ? {}
        : { dashboardDir: resolvePath(config.api.dashboardDir) }),
    },
  );

  let address: string | null = null;
  let publisherConnected = false;
  // Everything above exists from here on (the Redis clients and the BullMQ queues are
  // connected already), so every component closes at stop whether or not start ran or got
  // far; each closer is safe on a component never started. Stop order (see StopStage): no
  // new input first, then the work in hand finishes (it may write outbox rows), then what
  // is left is published, then the connections close; within a stage, last declared first.
  const lifecycle = new ServiceLifecycle({ service: 'orchestrator', logger: log, clock });
  lifecycle.opened('intake', 'consumer', () => consumer.stop());
  lifecycle.opened('intake', 'http', async () => {
    await http.close();
    address = null;
  });
  lifecycle.opened('work', 'maintenance jobs', () => maintenance.close());
  lifecycle.opened('work', 'timer worker', () => timerWorker.close());
  lifecycle.opened('work', 'worker pool', () => pool.close());
  lifecycle.opened('delivery', 'timer scheduler', () => scheduler.close());
  lifecycle.opened('delivery', 'publisher', () => publisher.disconnect());
  lifecycle.opened('delivery', 'relay', async () => {
    await relay.stop();
    // One last pass publishes what the work in hand committed.
    if (dataSource.isInitialized && publisherConnected) {
      const published = await relay.drain();
      if (published > 0) log.info('outbox drained', { published });
    }
  });
  lifecycle.opened('connections', 'mysql', async () => {
    if (dataSource.isInitialized) await dataSource.destroy();
  });
  lifecycle.opened('connections', 'queue connection', () =>
    closeRedis(queues.connection, REDIS_QUIT_TIMEOUT_MS),
  );
  lifecycle.opened('connections', 'redis', () => closeRedis(redis, REDIS_QUIT_TIMEOUT_MS));
  lifecycle.opened('connections', 'kafka admin', () => admin.disconnect());

  const run = async (): Promise<void> => {
    const startedMs = performance.now();
    log.info('orchestrator starting', {
      database: config.mysql.database,
      topicPrefix: topics.prefix,
      queuePrefix: queues.queuePrefix,
      definitions: definitions.map((d) => `${d.name}@${d.version}`),
      sinceProcessStartMs: sinceProcessStartMs(),
    });
    // Listen first: a supervisor's liveness probe answers at once, whatever the rest takes
    // (a restart after a crash waits for Kafka to drop the dead consumer). Until the event
    // store is open, every route but the probes answers 503 with Retry-After.
    address = await http.listen({ host: config.http.host, port: config.http.port });
    log.info('http listening', { address, sinceProcessStartMs: sinceProcessStartMs() });

    await dataSource.initialize();
    const migrations = await runMigrationsExclusively(dataSource);
    if (migrations.length > 0) log.info('migrations applied', { migrations });
    // Starting a saga needs MySQL only (event, projection and outbox rows in one
    // transaction); the relay publishes the commands once it runs.
    admission.open();
    log.info('event store open', { sinceProcessStartMs: sinceProcessStartMs() });

    // A broker restarting, or kafkajs's transient "Broker not connected", delays the start.
    const retrying =
      (what: string) =>
      (error: unknown, failures: number, delayMs: number): void => {
        log.warn(`${what}: Kafka did not answer; retrying`, { error, failures, delayMs });
      };
    const ensured = await retryWithBackoff(
      async () => {
        await admin.connect();
        return ensureTopics(admin, topicList, { partitions: config.topics.partitions });
      },
      { onRetry: retrying('topics') },
    );
    const created = ensured.filter((t) => t.created).map((t) => t.topic);
    if (created.length > 0) log.info('topics created', { topics: created });
    await retryWithBackoff(() => publisher.connect(), { onRetry: retrying('relay producer') });
    publisherConnected = true;

    // Recovery: the relay's first pass publishes what the outbox holds; timers of active
    // sagas are scheduled again; abandoned EventProcess records go back to the pool.
    const outboxPending = await outbox.pendingCount();
    relay.start();
    await Promise.all([pool.start(), timerWorker.start()]);
    // The join runs while recovery does: after a crash it is the slow part (the dead
    // member's session must expire first), and replies consumed meanwhile are safe — the
    // pool runs, and re-arming timers or requeueing records is idempotent. Handled now so
    // that a failure during recovery is not an unhandled rejection; awaited below.
    const joining = consumer.start();
    void joining.catch(() => undefined);
    const recovery = await recoverInFlight({
      sagas: queries,
      rearm: (state) => engine.rearmTimers(state),
      eventProcess: mySqlEventProcess,
      requeue: (records) => pool.requeue(records),
      now: clock.now(),
      leaseMs: config.eventProcessLeaseMs,
      logger: log,
    });
    log.info('recovery done', { outboxPending, ...recovery });

    await maintenance.start();
    await joining;
    log.info('orchestrator started', {
      address,
      topics: topicList,
      consumerState: consumer.state,
      durationMs: Math.round(performance.now() - startedMs),
      sinceProcessStartMs: sinceProcessStartMs(),
    });
  };

  return {
    start: () => lifecycle.start(run),
    stop: () => lifecycle.stop(),
    engine,
    http,
    metrics,
    instanceId,
    address: () => address,
  };
}

/**
 * A core {@link Logger} addressed by level, as `kafkaLogCreator` wants it, so kafkajs's
 * lines go wherever the orchestrator's logger writes — whichever `Logger` it was given.
 */
function levelLogger(logger: Logger): LevelLogger {
  return {
    log: (level, message, fields) => {
      logger[level](message, fields);
    },
  };
}
