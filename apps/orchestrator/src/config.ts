import {
  type Environment,
  type EnvOutput,
  envInteger,
  envText,
  envVar,
  httpEnv,
  inboxLeaseEnv,
  instanceIdEnv,
  kafkaEnv,
  logLevelEnv,
  mysqlEnv,
  readEnv,
  redisEnv,
  topicsEnv,
  workerConcurrencyEnv,
} from '@sagaflow/config';

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
  /** `SAGAFLOW_KAFKA_*`. @defaultValue brokers `127.0.0.1:9092`, client id `sagaflow-orchestrator` */
  kafka: kafkaEnv({ clientId: 'sagaflow-orchestrator' }),
  /** `SAGAFLOW_MYSQL_*`: the event store's database. @defaultValue database `sagaflow` */
  mysql: mysqlEnv({ database: 'sagaflow' }),
  /** `SAGAFLOW_REDIS_*`. @defaultValue `redis://127.0.0.1:6379`, prefix `sagaflow:orchestrator:` */
  redis: redisEnv({ keyPrefix: 'sagaflow:orchestrator:' }),
  /** `SAGAFLOW_TOPIC_PREFIX` / `SAGAFLOW_TOPIC_PARTITIONS`. @defaultValue `sagaflow.`, 3 */
  topics: topicsEnv(),
  /** `SAGAFLOW_WORKER_CONCURRENCY`: EventProcess jobs run at once, 1–256. @defaultValue `4` */
  workerConcurrency: workerConcurrencyEnv(),
  /**
   * `SAGAFLOW_OUTBOX_POLL_INTERVAL_MS`: the relay's polling fallback (it is also woken right
   * after each commit), 10–60000. @defaultValue `1000`
   */
  outboxPollIntervalMs: envVar(
    'SAGAFLOW_OUTBOX_POLL_INTERVAL_MS',
    envInteger({ default: 1000, min: 10, max: 60_000 }),
  ),
  /**
   * `SAGAFLOW_INBOX_LEASE_MS`: how long a claimed EventProcess record (a reply being applied)
   * is kept from other workers, and how long a RECEIVED or PROCESSING record must sit
   * untouched to count as abandoned (recovery and reconciliation requeue it), 1000–3600000.
   * Applying a reply takes milliseconds; should a slow run overlap another anyway, the
   * optimistic lock and the decider's reply deduplication make the second change nothing.
   * @defaultValue `15000`
   */
  inboxLeaseMs: inboxLeaseEnv({ leaseMs: 15_000 }),
  /**
   * `SAGAFLOW_RECONCILIATION_INTERVAL_MS`: how often the cache is compared with MySQL,
   * 1000–86400000. @defaultValue `60000`
   */
  reconciliationIntervalMs: envVar(
    'SAGAFLOW_RECONCILIATION_INTERVAL_MS',
    envInteger({ default: 60_000, min: 1000, max: 86_400_000 }),
  ),
};

/** The orchestrator's configuration, as {@link loadOrchestratorConfig} returns it. */
export type OrchestratorConfig = EnvOutput<typeof orchestratorEnv>;

/**
 * Reads and validates the orchestrator's configuration from `SAGAFLOW_*` variables;
 * `SAGAFLOW_SAGAS_MODULE` is required. Throws `ConfigError` naming every bad or missing
 * variable, its value and the expected form.
 *
 * @example
 * ```ts
 * const config = loadOrchestratorConfig(process.env);
 * await app.listen({ host: config.http.host, port: config.http.port });
 * ```
 */
export function loadOrchestratorConfig(env: Environment): OrchestratorConfig {
  return readEnv(orchestratorEnv, env);
}
