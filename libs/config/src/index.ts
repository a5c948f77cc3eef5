/**
 * @packageDocumentation
 * Typed, validated configuration from environment variables, for the apps (orchestrator,
 * examples, `tools/stack`) and for services that wire a runtime themselves. Nothing here
 * reads `process.env`: the caller passes the environment to {@link readEnv}.
 *
 * Entry points: {@link readEnv} over a schema of {@link envVar} leaves and the parsers
 * (`envInteger`, `envPort`, `envEnum`, `envText`, `envHost`, `envHostPorts`, `envUrl`,
 * `envBoolean`); the shared fragments whose defaults match `infra/` ({@link INFRA_DEFAULTS}):
 * `kafkaEnv`, `mysqlEnv`, `redisEnv`, `httpEnv`, `topicsEnv`, `logLevelEnv`, `instanceIdEnv`,
 * `workerConcurrencyEnv`, `eventProcessLeaseEnv`.
 */
export { envVar, type EnvOutput, type EnvParser, type EnvVar } from './env-var';
export {
  envBoolean,
  envEnum,
  envHost,
  envHostPorts,
  envInteger,
  type EnvIntegerOptions,
  envPort,
  envText,
  type EnvTextOptions,
  envUrl,
} from './env-parsers';
export { type Environment, readEnv } from './read-env';
export { INFRA_DEFAULTS } from './infra-defaults';
export {
  kafkaEnv,
  type KafkaEnvDefaults,
  type KafkaEnvSchema,
  type KafkaSaslMechanism,
} from './kafka-env';
export {
  MYSQL_DRIVERS,
  type MysqlDriver,
  type MysqlEnvConfig,
  type MysqlEnvDefaults,
  type MysqlEnvSchema,
  mysqlEnv,
} from './mysql-env';
export { redisEnv, type RedisEnvDefaults, type RedisEnvSchema } from './redis-env';
export { redisCredentialChecks } from './redis-credentials';
export { httpEnv, type HttpEnvDefaults, type HttpEnvSchema } from './http-env';
export { topicsEnv, type TopicsEnvSchema } from './topics-env';
export { isLogLevel, LOG_LEVELS, type LogLevel, logLevelEnv } from './log-env';
export { INSTANCE_ID_PATTERN, instanceIdEnv, safeName } from './instance-id-env';
export {
  eventProcessLeaseEnv,
  type EventProcessLeaseEnvDefaults,
  workerConcurrencyEnv,
} from './worker-env';
