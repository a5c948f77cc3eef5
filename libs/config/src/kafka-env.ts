import { envHostPorts, envText } from './env-parsers';
import { type EnvOutput, type EnvVar, envVar } from './env-var';
import { INFRA_DEFAULTS } from './infra-defaults';

/** Per-service defaults of {@link kafkaEnv}. */
export interface KafkaEnvDefaults {
  /** Kafka client id when `SAGAFLOW_KAFKA_CLIENT_ID` is unset, e.g. `sagaflow-orchestrator`. */
  readonly clientId: string;
}

/** The Kafka section of a configuration schema. */
export interface KafkaEnvSchema {
  /** `SAGAFLOW_KAFKA_BROKERS`: comma-separated `host:port`. @defaultValue `127.0.0.1:9092` */
  readonly brokers: EnvVar<readonly string[]>;
  /** `SAGAFLOW_KAFKA_CLIENT_ID`. @defaultValue the service's client id */
  readonly clientId: EnvVar<string>;
}

/** The Kafka section of a loaded configuration. */
export type KafkaEnvConfig = EnvOutput<KafkaEnvSchema>;

/**
 * Kafka connection variables.
 *
 * @example
 * ```ts
 * readEnv({ kafka: kafkaEnv({ clientId: 'sagaflow-orchestrator' }) }, process.env).kafka.brokers;
 * ```
 */
export function kafkaEnv(defaults: KafkaEnvDefaults): KafkaEnvSchema {
  return {
    brokers: envVar('SAGAFLOW_KAFKA_BROKERS', envHostPorts(INFRA_DEFAULTS.kafka.brokers)),
    clientId: envVar(
      'SAGAFLOW_KAFKA_CLIENT_ID',
      envText({
        default: defaults.clientId,
        pattern: { regex: /^[A-Za-z0-9._-]+$/, description: 'letters, digits, ".", "_" or "-"' },
      }),
    ),
  };
}
