import {
  envEnum,
  envInteger,
  type Environment,
  type EnvOutput,
  envText,
  envVar,
  httpEnv,
  eventProcessLeaseEnv,
  instanceIdEnv,
  kafkaEnv,
  logLevelEnv,
  mysqlEnv,
  readEnv,
  redisEnv,
  topicsEnv,
  workerConcurrencyEnv,
} from '@sagaflow/config';
import { InvalidArgumentError } from '@sagaflow/core';

import {
  API_TOKENS_FILE_VARIABLE,
  API_TOKENS_VARIABLE,
  apiTokensEnv,
  mergeApiTokens,
  readApiTokensFile,
} from './api-tokens-config';

/**
 * Every variable the orchestrator reads. Defaults match `infra/` so that an empty
 * environment (but for `SAGAFLOW_SAGAS_MODULE`) talks to the local services.
 */
const orchestratorEnv = {
  /**
   * `SAGAFLOW_SAGAS_MODULE`: the module exporting `definitions`, resolved from the working
   * directory like `require` (`./dist/sagas.js`, `/srv/app/sagas.js`, `@acme/sagas`).
   * Required.
   */
  sagasModule: envVar('SAGAFLOW_SAGAS_MODULE', envText()),
  /**
   * `SAGAFLOW_INSTANCE_ID`: this process among the instances (a pod name), so a restart
   * fences its predecessor's relay transaction; null when unset or empty, for a new id per
   * process. @defaultValue `null` (host, pid and a random suffix)
   */
  instanceId: instanceIdEnv(),
  /** `SAGAFLOW_SERVICE_NAME`: written as `service` on every log line. @defaultValue `orchestrator` */
  serviceName: envVar(
    'SAGAFLOW_SERVICE_NAME',
    envText({
      default: 'orchestrator',
      pattern: { regex: /^[a-z0-9][a-z0-9-]*$/, description: 'lower-case letters, digits and "-"' },
    }),
  ),
  /** `SAGAFLOW_LOG_LEVEL`. @defaultValue `info` */
  logLevel: logLevelEnv(),
  /** `SAGAFLOW_HTTP_HOST` / `SAGAFLOW_HTTP_PORT` of the status and admin API. @defaultValue `127.0.0.1:8080` */
  http: httpEnv({ port: 8080 }),
  /**
   * Who may use the HTTP API. Every route but `/health`, `/ready` and `/metrics` needs
   * `Authorization: Bearer <token>` of a configured token; `npm run token` makes one.
   */
  api: {
    /**
     * `SAGAFLOW_API_AUTH`: `off` serves every route without a token — local development
     * only (logged at warn at start). @defaultValue `on`
     */
    auth: envVar('SAGAFLOW_API_AUTH', envEnum(['on', 'off'], 'on')),
    /**
     * `SAGAFLOW_API_TOKENS`: tokens as comma-separated `name:role:sha256` (role `viewer`,
     * `operator` or `admin`; the hex SHA-256 of the token). With the file's, the tokens
     * the API accepts; with none, every route but the public ones answers 401.
     * @defaultValue none
     */
    tokens: envVar(API_TOKENS_VARIABLE, apiTokensEnv()),
    /**
     * `SAGAFLOW_API_TOKENS_FILE`: a JSON file listing `{ name, role, sha256 }`, read at
     * start (resolved from the working directory); names unique across both variables.
     * Empty: none. @defaultValue none
     */
    tokensFile: envVar(API_TOKENS_FILE_VARIABLE, envText({ default: '', allowEmpty: true })),
    /**
     * `SAGAFLOW_METRICS_PUBLIC`: `false` makes `GET /metrics` need a `viewer` token.
     * @defaultValue `true`
     */
    metricsPublic: envVar(
      'SAGAFLOW_METRICS_PUBLIC',
      envEnum(['true', 'false'], 'true').transform((value) => value === 'true'),
    ),
    /**
     * `SAGAFLOW_API_WRITE_RATE_LIMIT`: writes (starting sagas, admin actions) one token may
     * send per minute to one instance, 0–1000000; 0 = no limit. A client that starts sagas
     * at volume needs a token of its own and a limit to match. @defaultValue `120`
     */
    writeRateLimitPerMinute: envVar(
      'SAGAFLOW_API_WRITE_RATE_LIMIT',
      envInteger({ default: 120, min: 0, max: 1_000_000 }),
    ),
    /**
     * `SAGAFLOW_HTTP_BODY_LIMIT_BYTES`: the largest request body, 1 KiB–64 MiB; a larger
     * one is answered 413. @defaultValue `1048576`
     */
    bodyLimitBytes: envVar(
      'SAGAFLOW_HTTP_BODY_LIMIT_BYTES',
      envInteger({ default: 1_048_576, min: 1024, max: 64 * 1024 * 1024 }),
    ),
    /**
     * `SAGAFLOW_HTTP_READY_TIMEOUT_MS`: how long each check of `GET /ready` may take,
     * 10–60000 ms; a slower one counts as failed. @defaultValue `2000`
     */
    readyCheckTimeoutMs: envVar(
      'SAGAFLOW_HTTP_READY_TIMEOUT_MS',
      envInteger({ default: 2000, min: 10, max: 60_000 }),
    ),
    /**
     * `SAGAFLOW_STUCK_AFTER_MS`: how long a RUNNING or COMPENSATING saga may go without a
     * change before `GET /sagas?stuck=true` lists it, 1000 ms–30 days; set it above your
     * sagas' longest step timeout and retry back-off. @defaultValue `300000` (5 minutes)
     */
    stuckAfterMs: envVar(
      'SAGAFLOW_STUCK_AFTER_MS',
      envInteger({ default: 300_000, min: 1000, max: 30 * 86_400_000 }),
    ),
    /**
     * `SAGAFLOW_STATS_CACHE_MS`: how long `GET /stats` and `GET /stats/timeline` answer from
     * their last computation for a query, 0–600000 ms (0: every call queries MySQL).
     * @defaultValue `5000`
     */
    statsCacheMs: envVar(
      'SAGAFLOW_STATS_CACHE_MS',
      envInteger({ default: 5000, min: 0, max: 600_000 }),
    ),
    /**
     * `SAGAFLOW_DASHBOARD_DIR`: the dashboard's build served under `/ui` (the folder holding
     * its `index.html`), resolved from the working directory. Empty: the build of
     * `apps/dashboard` next to the orchestrator package. @defaultValue empty
     */
    dashboardDir: envVar('SAGAFLOW_DASHBOARD_DIR', envText({ default: '', allowEmpty: true })),
    /**
     * `GET /events/stream`, the live feed of saga events: its bounds and timings on this
     * instance.
     */
    eventStream: {
      /**
       * `SAGAFLOW_EVENT_STREAM_MAX_CLIENTS`: streams open at once, 1–100000; past it, 503
       * `STREAM_LIMIT_REACHED` with `Retry-After`. @defaultValue `100`
       */
      maxClients: envVar(
        'SAGAFLOW_EVENT_STREAM_MAX_CLIENTS',
        envInteger({ default: 100, min: 1, max: 100_000 }),
      ),
      /**
       * `SAGAFLOW_EVENT_STREAM_POLL_MS`: how often new events are read while a stream is open,
       * 10–60000 ms; one query per interval however many streams are open. @defaultValue `500`
       */
      pollIntervalMs: envVar(
        'SAGAFLOW_EVENT_STREAM_POLL_MS',
        envInteger({ default: 500, min: 10, max: 60_000 }),
      ),
      /**
       * `SAGAFLOW_EVENT_STREAM_MAX_QUEUED_EVENTS`: events one stream may queue while its client
       * does not keep up, 1–100000; past it the stream is cut off (the client resumes with
       * `Last-Event-ID`). @defaultValue `1000`
       */
      maxQueuedEvents: envVar(
        'SAGAFLOW_EVENT_STREAM_MAX_QUEUED_EVENTS',
        envInteger({ default: 1000, min: 1, max: 100_000 }),
      ),
      /**
       * `SAGAFLOW_EVENT_STREAM_HEARTBEAT_MS`: how often a `: keep-alive` comment is sent on an
       * open stream, 10–300000 ms, below the idle timeout of the proxies in front.
       * @defaultValue `15000`
       */
      heartbeatMs: envVar(
        'SAGAFLOW_EVENT_STREAM_HEARTBEAT_MS',
        envInteger({ default: 15_000, min: 10, max: 300_000 }),
      ),
      /**
       * `SAGAFLOW_EVENT_STREAM_GAP_GRACE_MS`: how long the stream waits for an event id that
       * is taken but not yet committed before it moves past it, 0–60000 ms.
       * @defaultValue `2000`
       */
      gapGraceMs: envVar(
        'SAGAFLOW_EVENT_STREAM_GAP_GRACE_MS',
        envInteger({ default: 2000, min: 0, max: 60_000 }),
      ),
    },
  },
  /**
   * `SAGAFLOW_KAFKA_*`: the connection, and the replies consumer's group timings. The
   * timings decide how soon a restarted instance consumes again after its predecessor died
   * without leaving the group (SIGKILL, a lost host): the coordinator holds the new member
   * until the dead one's session expired. kafkajs has no static membership
   * (`group.instance.id`), so a restart cannot take its predecessor's place at once; a short
   * session is the lever. A graceful stop leaves the group, so it does not wait.
   * @defaultValue brokers `127.0.0.1:9092`, client id `sagaflow-orchestrator`, session 10 s,
   * heartbeat 1 s, rebalance 20 s
   */
  kafka: {
    ...kafkaEnv({ clientId: 'sagaflow-orchestrator' }),
    /**
     * `SAGAFLOW_KAFKA_SESSION_TIMEOUT_MS`: a member silent this long is removed from the
     * group, 1000–1800000; the broker refuses values below its
     * `group.min.session.timeout.ms` (6000 by default). Longer rides out longer pauses
     * (GC, an overloaded host) without a rebalance; shorter lets a restart after a crash
     * consume sooner. @defaultValue `10000`
     */
    sessionTimeoutMs: envVar(
      'SAGAFLOW_KAFKA_SESSION_TIMEOUT_MS',
      envInteger({ default: 10_000, min: 1000, max: 1_800_000 }),
    ),
    /**
     * `SAGAFLOW_KAFKA_HEARTBEAT_INTERVAL_MS`: how often the member heartbeats, 100–600000, at
     * most a third of the session timeout. @defaultValue `1000`
     */
    heartbeatIntervalMs: envVar(
      'SAGAFLOW_KAFKA_HEARTBEAT_INTERVAL_MS',
      envInteger({ default: 1000, min: 100, max: 600_000 }),
    ),
    /**
     * `SAGAFLOW_KAFKA_REBALANCE_TIMEOUT_MS`: how long the coordinator waits for the live
     * members to rejoin during a rebalance (a member rejoins once the batch in hand is
     * committed), 1000–1800000. @defaultValue `20000`
     */
    rebalanceTimeoutMs: envVar(
      'SAGAFLOW_KAFKA_REBALANCE_TIMEOUT_MS',
      envInteger({ default: 20_000, min: 1000, max: 1_800_000 }),
    ),
  },
  /** `SAGAFLOW_MYSQL_*`: the event store's database. @defaultValue database `sagaflow` */
  mysql: mysqlEnv({ database: 'sagaflow' }),
  /** `SAGAFLOW_REDIS_*`. @defaultValue `redis://127.0.0.1:6379`, prefix `sagaflow:orchestrator:` */
  redis: redisEnv({ keyPrefix: 'sagaflow:orchestrator:' }),
  /** `SAGAFLOW_TOPIC_PREFIX` / `SAGAFLOW_TOPIC_PARTITIONS`. @defaultValue `sagaflow.`, 3 */
  topics: topicsEnv(),
  /** `SAGAFLOW_WORKER_CONCURRENCY`: EventProcess jobs run at once, 1–256. @defaultValue `4` */
  workerConcurrency: workerConcurrencyEnv(),
  /**
   * `SAGAFLOW_RELAY_DELIVERY`: how the outbox relay publishes commands. `idempotent`: Kafka's
   * idempotent producer; a batch interrupted by a failure is published again and its
   * duplicates are discarded by the participants' EventProcess key. `transactional`: each
   * batch in one Kafka transaction, for consumers outside Sagaflow that read the command
   * topics and must never see a duplicate; it costs three more broker round trips per
   * batch. @defaultValue `idempotent`
   */
  relayDelivery: envVar(
    'SAGAFLOW_RELAY_DELIVERY',
    envEnum(['idempotent', 'transactional'], 'idempotent'),
  ),
  /**
   * `SAGAFLOW_TIMER_HOLD_MS`: how long a new timer (a step timeout, a retry back-off) is held
   * in memory before it is queued in BullMQ, 0–60000; 0 queues every timer at once. Most
   * step timeouts are cancelled within it (the reply came) and never cost a Redis round
   * trip; a crash loses only held timers, which recovery and reconciliation schedule again
   * from the sagas' stored state. @defaultValue `2000`
   */
  timerHoldMs: envVar('SAGAFLOW_TIMER_HOLD_MS', envInteger({ default: 2000, min: 0, max: 60_000 })),
  /**
   * `SAGAFLOW_OUTBOX_POLL_INTERVAL_MS`: how often the relay's passes look for outbox rows
   * left unpublished (commands are published right after their commit; the passes sweep up
   * what a crash or a failed send left), 10–60000. @defaultValue `1000`
   */
  outboxPollIntervalMs: envVar(
    'SAGAFLOW_OUTBOX_POLL_INTERVAL_MS',
    envInteger({ default: 1000, min: 10, max: 60_000 }),
  ),
  /**
   * `SAGAFLOW_EVENT_PROCESS_LEASE_MS`: how long a claimed EventProcess record (a reply being applied)
   * is kept from other workers, and how long a RECEIVED or PROCESSING record must sit
   * untouched to count as abandoned (recovery and reconciliation requeue it), 1000–3600000.
   * Applying a reply takes milliseconds; should a slow run overlap another anyway, the
   * optimistic lock and the decider's reply deduplication make the second change nothing.
   * @defaultValue `15000`
   */
  eventProcessLeaseMs: eventProcessLeaseEnv({ leaseMs: 15_000 }),
  /**
   * `SAGAFLOW_RECONCILIATION_INTERVAL_MS`: how often the cache is compared with MySQL,
   * 1000–86400000. @defaultValue `60000`
   */
  reconciliationIntervalMs: envVar(
    'SAGAFLOW_RECONCILIATION_INTERVAL_MS',
    envInteger({ default: 60_000, min: 1000, max: 86_400_000 }),
  ),
  /**
   * `SAGAFLOW_RETENTION_MS`: how long finished rows are kept — published outbox rows and DONE
   * EventProcess records — before the purge deletes them, 60000–315360000000 (ten years).
   * Unpublished outbox rows and RECEIVED, PROCESSING or FAILED records are never deleted. A
   * reply redelivered after its record went is no longer dropped as a duplicate: its saga
   * gets it again and records it as ignored (the decider knows the replies it applied), so
   * the retention is about how long to keep the rows to look at, and the table's size.
   * @defaultValue `604800000` (7 days)
   */
  retentionMs: envVar(
    'SAGAFLOW_RETENTION_MS',
    envInteger({ default: 604_800_000, min: 60_000, max: 315_360_000_000 }),
  ),
  /**
   * `SAGAFLOW_PURGE_INTERVAL_MS`: how often the purge runs, 1000–86400000; one run deletes at
   * most 100000 rows per table, the rest goes in the next runs. @defaultValue `300000`
   */
  purgeIntervalMs: envVar(
    'SAGAFLOW_PURGE_INTERVAL_MS',
    envInteger({ default: 300_000, min: 1000, max: 86_400_000 }),
  ),
  /**
   * Admission control of `POST /sagas`: new sagas are refused (429 with `Retry-After`)
   * while a backlog count is at or above its bound; 0 turns a bound off. The counts are
   * read from MySQL at most every 500 ms, whatever the request rate, and shared by the
   * instances (they share the database).
   * @defaultValue at most 10000 replies waiting to be applied; in-flight sagas unbounded
   */
  admission: {
    /**
     * `SAGAFLOW_ADMISSION_MAX_PENDING_REPLIES`: EventProcess records RECEIVED or PROCESSING
     * (replies recorded but not applied yet: the worker pool's backlog), 0–100000000. A
     * backlog this deep means decisions already lag far behind the replies; new sagas would
     * only add to it. @defaultValue `10000`
     */
    maxPendingReplies: envVar(
      'SAGAFLOW_ADMISSION_MAX_PENDING_REPLIES',
      envInteger({ default: 10_000, min: 0, max: 100_000_000 }),
    ),
    /**
     * `SAGAFLOW_ADMISSION_MAX_IN_FLIGHT_SAGAS`: sagas RUNNING or COMPENSATING, 0–100000000;
     * 0 = no bound. Off by default: how many sagas may wait at once (on long timeouts,
     * slow participants) depends on the deployment. @defaultValue `0`
     */
    maxInFlightSagas: envVar(
      'SAGAFLOW_ADMISSION_MAX_IN_FLIGHT_SAGAS',
      envInteger({ default: 0, min: 0, max: 100_000_000 }),
    ),
  },
};

/** The orchestrator's configuration, as {@link loadOrchestratorConfig} returns it. */
export type OrchestratorConfig = EnvOutput<typeof orchestratorEnv>;

/**
 * Reads and validates the orchestrator's configuration from `SAGAFLOW_*` variables;
 * `SAGAFLOW_SAGAS_MODULE` is required. Reads `SAGAFLOW_API_TOKENS_FILE` when it is set
 * (relative to `cwd`): `config.api.tokens` holds the tokens of both variables. Throws
 * `InvalidArgumentError` naming every bad or missing variable, its value (secrets masked, hashes
 * never shown) and the expected form.
 *
 * @example
 * ```ts
 * const config = loadOrchestratorConfig(process.env);
 * await app.listen({ host: config.http.host, port: config.http.port });
 * ```
 */
export function loadOrchestratorConfig(
  env: Environment,
  cwd: string = process.cwd(),
): OrchestratorConfig {
  const config = readEnv(orchestratorEnv, env);
  const { sessionTimeoutMs, heartbeatIntervalMs } = config.kafka;
  // Kafka's own advice: a member that misses two heartbeats still keeps its session.
  if (heartbeatIntervalMs * 3 > sessionTimeoutMs) {
    throw new InvalidArgumentError({
      code: 'CONFIG_INVALID',
      issues: [
        {
          field: orchestratorEnv.kafka.heartbeatIntervalMs.name,
          value: JSON.stringify(String(heartbeatIntervalMs)),
          expected: `at most a third of SAGAFLOW_KAFKA_SESSION_TIMEOUT_MS (${sessionTimeoutMs})`,
        },
      ],
    });
  }
  const { tokensFile } = config.api;
  if (tokensFile === '') return config;
  const tokens = mergeApiTokens(config.api.tokens, readApiTokensFile(tokensFile, cwd));
  return { ...config, api: { ...config.api, tokens } };
}
