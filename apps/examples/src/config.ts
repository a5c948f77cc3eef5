import {
  envInteger,
  type Environment,
  type EnvOutput,
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
import { checkOptions } from '@sagaflow/core';

/** Each example service's own database and HTTP port (health and inspection). */
export const EXAMPLE_SERVICES = {
  'order-service': { database: 'sagaflow_orders', httpPort: 8081 },
  'payment-service': { database: 'sagaflow_payments', httpPort: 8082 },
  'inventory-service': { database: 'sagaflow_inventory', httpPort: 8083 },
} as const;

/** `order-service`, `payment-service` or `inventory-service`. */
export type ExampleServiceName = keyof typeof EXAMPLE_SERVICES;

const SERVICE_NAMES = Object.keys(EXAMPLE_SERVICES) as ExampleServiceName[];

function serviceEnv(serviceName: ExampleServiceName) {
  const defaults = EXAMPLE_SERVICES[serviceName];
  return {
    /** `SAGAFLOW_LOG_LEVEL`. @defaultValue `info` */
    logLevel: logLevelEnv(),
    /** `SAGAFLOW_HTTP_HOST` / `SAGAFLOW_HTTP_PORT`. @defaultValue `127.0.0.1`, 8081–8083 by service */
    http: httpEnv({ port: defaults.httpPort }),
    /** `SAGAFLOW_KAFKA_*`. @defaultValue client id `sagaflow-<service>` */
    kafka: kafkaEnv({ clientId: `sagaflow-${serviceName}` }),
    /** `SAGAFLOW_MYSQL_*`. @defaultValue the service's own database */
    mysql: mysqlEnv({ database: defaults.database }),
    /** `SAGAFLOW_REDIS_*`. @defaultValue prefix `sagaflow:<service>:` */
    redis: redisEnv({ keyPrefix: `sagaflow:${serviceName}:` }),
    /** `SAGAFLOW_TOPIC_PREFIX` / `SAGAFLOW_TOPIC_PARTITIONS`. */
    topics: topicsEnv(),
    /** `SAGAFLOW_WORKER_CONCURRENCY`: command handlers run at once, 1–256. @defaultValue `4` */
    workerConcurrency: workerConcurrencyEnv(),
    /**
     * `SAGAFLOW_EVENT_PROCESS_LEASE_MS`: how long a command being processed is leased to its worker;
     * a RECEIVED or PROCESSING record older than this is queued again by the recovery job.
     * Longer than a handler ever takes, 1000–3600000. @defaultValue `60000`
     */
    eventProcessLeaseMs: eventProcessLeaseEnv({ leaseMs: 60_000 }),
    /**
     * `SAGAFLOW_RECOVERY_INTERVAL_MS`: how often stale commands are queued again and the
     * EventProcess cache is repaired, 1000–86400000. @defaultValue `30000`
     */
    recoveryIntervalMs: envVar(
      'SAGAFLOW_RECOVERY_INTERVAL_MS',
      envInteger({ default: 30_000, min: 1000, max: 86_400_000 }),
    ),
    /**
     * `SAGAFLOW_HANDLER_ATTEMPTS`: runs of a handler that fails technically before the command
     * is answered with a technical failure, 1–100. @defaultValue `5`
     */
    handlerAttempts: envVar(
      'SAGAFLOW_HANDLER_ATTEMPTS',
      envInteger({ default: 5, min: 1, max: 100 }),
    ),
    /**
     * `SAGAFLOW_INSTANCE_ID`: this process among the service's instances, stable across its
     * restarts (part of the reply relay's Kafka transactional id, so a restart fences its
     * predecessor); null when unset or empty. @defaultValue `null` (the host name)
     */
    instanceId: instanceIdEnv(),
  };
}

/** An example service's configuration, as {@link loadServiceConfig} returns it. */
export type ServiceConfig = { readonly serviceName: ExampleServiceName } & EnvOutput<
  ReturnType<typeof serviceEnv>
>;

/**
 * Reads and validates one example service's configuration from `SAGAFLOW_*` variables; the
 * defaults give each service its own database (`sagaflow_orders`, `sagaflow_payments`,
 * `sagaflow_inventory`). Throws an `InvalidArgumentError` naming every bad variable, its
 * value and the expected form (`CONFIG_INVALID`), or an unknown service name
 * (`OPTIONS_INVALID`).
 *
 * @example
 * ```ts
 * const config = loadServiceConfig('payment-service', process.env);
 * config.mysql.database; // 'sagaflow_payments'
 * ```
 */
export function loadServiceConfig(
  serviceName: ExampleServiceName,
  env: Environment,
): ServiceConfig {
  checkOptions('loadServiceConfig', [
    [
      'serviceName',
      serviceName,
      (SERVICE_NAMES as readonly string[]).includes(serviceName),
      `one of ${SERVICE_NAMES.join(', ')}`,
    ],
  ]);
  return { serviceName, ...readEnv(serviceEnv(serviceName), env) };
}
