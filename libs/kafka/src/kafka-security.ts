import { readFileSync } from 'node:fs';
import { type ConnectionOptions } from 'node:tls';

import { type KafkaSaslMechanism } from '@sagaflow/config';
import { type FieldIssue, InvalidArgumentError } from '@sagaflow/core';
import { type SASLOptions } from 'kafkajs';

/** The TLS and SASL settings of `kafkaEnv` (`config.kafka.ssl`, `config.kafka.sasl`). */
export interface KafkaSecuritySettings {
  readonly ssl: { readonly enabled: boolean; readonly caFile: string };
  readonly sasl: {
    readonly mechanism: KafkaSaslMechanism;
    readonly username: string;
    readonly password: string;
  };
}

/** What {@link kafkaSecurity} gives `createKafka`: kafkajs's `ssl` and `sasl`. */
export interface KafkaSecurityOptions {
  readonly ssl?: boolean | ConnectionOptions;
  readonly sasl?: SASLOptions;
}

/**
 * Turns the environment's Kafka TLS and SASL settings into kafkajs's `ssl` and `sasl`:
 * TLS with the system's CAs, or with those of `caFile` (read here); SASL PLAIN or
 * SCRAM-SHA-256/512 with the user name and password. Throws `InvalidArgumentError` naming the
 * variables when a mechanism lacks its user name or password or the CA file cannot be read;
 * the password is never part of a message.
 *
 * @example
 * ```ts
 * const kafka = createKafka({ brokers, clientId, ...kafkaSecurity(config.kafka) });
 * ```
 */
export function kafkaSecurity(settings: KafkaSecuritySettings): KafkaSecurityOptions {
  const { ssl, sasl } = settings;
  const issues: FieldIssue[] = [];
  let tls: boolean | ConnectionOptions | undefined;
  if (ssl.enabled) {
    tls = true;
    if (ssl.caFile !== '') {
      try {
        tls = { ca: [readFileSync(ssl.caFile, 'utf8')] };
      } catch {
        issues.push({
          field: 'SAGAFLOW_KAFKA_SSL_CA_FILE',
          value: JSON.stringify(ssl.caFile),
          expected: 'a readable PEM file',
        });
      }
    }
  }
  if (sasl.mechanism !== 'none') {
    const required = 'a value when SAGAFLOW_KAFKA_SASL_MECHANISM is set';
    if (sasl.username === '') {
      issues.push({
        field: 'SAGAFLOW_KAFKA_SASL_USERNAME',
        value: '(unset)',
        expected: required,
      });
    }
    if (sasl.password === '') {
      issues.push({
        field: 'SAGAFLOW_KAFKA_SASL_PASSWORD',
        value: '(unset)',
        expected: required,
      });
    }
  }
  if (issues.length > 0) throw new InvalidArgumentError({ code: 'CONFIG_INVALID', issues });
  return {
    ...(tls === undefined ? {} : { ssl: tls }),
    ...(sasl.mechanism === 'none'
      ? {}
      : { sasl: { mechanism: sasl.mechanism, username: sasl.username, password: sasl.password } }),
  };
}
