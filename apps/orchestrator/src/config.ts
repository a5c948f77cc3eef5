import {
  type Environment,
  type EnvOutput,
  envInteger,
  envText,
  envVar,
  httpEnv,
  kafkaEnv,
  logLevelEnv,
  mysqlEnv,
  readEnv,
  redisEnv,
  topicsEnv,
} from '@sagaflow/config';

/**
 * Every variable the orchestrator reads. Defaults match `infra/` so that an empty
 * environment talks to the local services.
 */
const orchestratorEnv = {
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
  workerConcurrency: envVar(
    'SAGAFLOW_WORKER_CONCURRENCY',
    envInteger({ default: 4, min: 1, max: 256 }),
  ),
  /**
   * `SAGAFLOW_OUTBOX_POLL_INTERVAL_MS`: the relay's polling fallback (it is also woken right
   * after each commit), 10–60000. @defaultValue `1000`
   */
  outboxPollIntervalMs: envVar(
    'SAGAFLOW_OUTBOX_POLL_INTERVAL_MS',
    envInteger({ default: 1000, min: 10, max: 60_000 }),
  ),
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
 * Reads and validates the orchestrator's configuration from `SAGAFLOW_*` variables.
 * Throws `ConfigError` naming every bad variable, its value and the expected form.
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
