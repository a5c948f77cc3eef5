import { envBoolean, envEnum, envHostPorts, envText } from './env-parsers';
import { type EnvVar, envVar } from './env-var';
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
  /** TLS to the brokers. */
  readonly ssl: {
    /** `SAGAFLOW_KAFKA_SSL`: connect over TLS. @defaultValue `false` */
    readonly enabled: EnvVar<boolean>;
    /**
     * `SAGAFLOW_KAFKA_SSL_CA_FILE`: a PEM file of the CAs to trust instead of the system's
     * (a private CA). @defaultValue none: the system's CAs
     */
    readonly caFile: EnvVar<string>;
  };
  /** SASL authentication. */
  readonly sasl: {
    /** `SAGAFLOW_KAFKA_SASL_MECHANISM`. @defaultValue `none` */
    readonly mechanism: EnvVar<KafkaSaslMechanism>;
    /** `SAGAFLOW_KAFKA_SASL_USERNAME`: required with a mechanism. */
    readonly username: EnvVar<string>;
    /** `SAGAFLOW_KAFKA_SASL_PASSWORD`: required with a mechanism; never logged. */
    readonly password: EnvVar<string>;
  };
}

/** The SASL mechanisms Sagaflow's Kafka clients speak; `none` turns SASL off. */
export const KAFKA_SASL_MECHANISMS = ['none', 'plain', 'scram-sha-256', 'scram-sha-512'] as const;

/** One of {@link KAFKA_SASL_MECHANISMS}. */
export type KafkaSaslMechanism = (typeof KAFKA_SASL_MECHANISMS)[number];

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
    ssl: {
      enabled: envVar('SAGAFLOW_KAFKA_SSL', envBoolean(false)),
      caFile: envVar('SAGAFLOW_KAFKA_SSL_CA_FILE', envText({ default: '', allowEmpty: true })),
    },
    sasl: {
      mechanism: envVar('SAGAFLOW_KAFKA_SASL_MECHANISM', envEnum(KAFKA_SASL_MECHANISMS, 'none')),
      username: envVar('SAGAFLOW_KAFKA_SASL_USERNAME', envText({ default: '', allowEmpty: true })),
      password: envVar('SAGAFLOW_KAFKA_SASL_PASSWORD', envText({ default: '', allowEmpty: true })),
    },
  };
}
