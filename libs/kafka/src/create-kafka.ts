import {
  checkOptions,
  isNonEmptyString,
  isNonNegativeInteger,
  isPositiveInteger,
} from '@sagaflow/core';
import { Kafka, logLevel, type logCreator } from 'kafkajs';

import { type KafkaSecurityOptions } from './kafka-security';

/** How kafkajs retries a failed request: exponential back-off with jitter. */
export interface KafkaRetryOptions {
  /** Attempts after the first. @defaultValue `5` */
  readonly retries?: number;
  /** Wait before the first retry, in ms. @defaultValue `300` */
  readonly initialRetryTimeMs?: number;
  /** Longest wait between two retries, in ms. @defaultValue `30000` */
  readonly maxRetryTimeMs?: number;
}

/** Options of {@link createKafka}. */
export interface KafkaOptions {
  /** Bootstrap brokers, `host:port` each. Required. */
  readonly brokers: readonly string[];
  /** The client id brokers log and quota by, e.g. `sagaflow-orchestrator`. Required. */
  readonly clientId: string;
  /**
   * Where kafkajs logs go; pass `kafkaLogCreator(logger)` from `@sagaflow/observability`.
   * @defaultValue kafkajs's own console logger
   */
  readonly logCreator?: logCreator;
  /** The most detailed kafkajs log level passed to {@link logCreator}. @defaultValue `logLevel.INFO` */
  readonly logLevel?: logLevel;
  /**
   * Retries of failed requests. kafkajs merges this into every producer's, consumer's and
   * admin's own `retry`, so an idempotent producer made from this client logs "Limiting
   * retries for the idempotent producer may invalidate EoS guarantees" unless it is given
   * its own `retry`. A bounded retry is deliberate in Sagaflow: the outbox relay re-sends
   * what was not acknowledged and consumers discard duplicates.
   * @defaultValue see {@link KafkaRetryOptions}
   */
  readonly retry?: KafkaRetryOptions;
  /**
   * Time to open a TCP connection, in ms; kafkajs's 1000 ms is tight on a loaded machine.
   * @defaultValue `3000`
   */
  readonly connectionTimeoutMs?: number;
  /** Time a request may take before it fails, in ms. @defaultValue `30000` */
  readonly requestTimeoutMs?: number;
  /** TLS: `true`, or Node's TLS options (a private CA). From `kafkaSecurity`. @defaultValue none */
  readonly ssl?: KafkaSecurityOptions['ssl'];
  /** SASL PLAIN or SCRAM credentials. From `kafkaSecurity`. @defaultValue none */
  readonly sasl?: KafkaSecurityOptions['sasl'];
}

/** {@link KafkaOptions} with every default applied. */
export interface ResolvedKafkaOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly logCreator: logCreator | undefined;
  readonly logLevel: logLevel;
  readonly retry: Required<KafkaRetryOptions>;
  readonly connectionTimeoutMs: number;
  readonly requestTimeoutMs: number;
}

const HOST_PORT = /^[^\s:/]+:\d{1,5}$|^\[[0-9A-Fa-f:.]+\]:\d{1,5}$/;

function isHostPortList(value: unknown): boolean {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((b: unknown) => typeof b === 'string' && HOST_PORT.test(b))
  );
}

/**
 * Applies the defaults of {@link KafkaOptions} and validates them; throws `InvalidArgumentError`
 * naming every bad field and its value.
 */
export function resolveKafkaOptions(options: KafkaOptions): ResolvedKafkaOptions {
  const o: ResolvedKafkaOptions = {
    brokers: options.brokers,
    clientId: options.clientId,
    logCreator: options.logCreator,
    logLevel: options.logLevel ?? logLevel.INFO,
    retry: {
      retries: options.retry?.retries ?? 5,
      initialRetryTimeMs: options.retry?.initialRetryTimeMs ?? 300,
      maxRetryTimeMs: options.retry?.maxRetryTimeMs ?? 30_000,
    },
    connectionTimeoutMs: options.connectionTimeoutMs ?? 3000,
    requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
  };
  checkOptions('createKafka', [
    ['brokers', o.brokers, isHostPortList(o.brokers), 'a non-empty list of host:port'],
    ['clientId', o.clientId, isNonEmptyString(o.clientId), 'a non-empty string'],
    [
      'logLevel',
      o.logLevel,
      (Object.values(logLevel) as unknown[]).includes(o.logLevel),
      'a kafkajs logLevel',
    ],
    ['retry.retries', o.retry.retries, isNonNegativeInteger(o.retry.retries), 'an integer ≥ 0'],
    [
      'retry.initialRetryTimeMs',
      o.retry.initialRetryTimeMs,
      isPositiveInteger(o.retry.initialRetryTimeMs),
      'an integer > 0',
    ],
    [
      'retry.maxRetryTimeMs',
      o.retry.maxRetryTimeMs,
      isPositiveInteger(o.retry.maxRetryTimeMs) &&
        o.retry.maxRetryTimeMs >= o.retry.initialRetryTimeMs,
      'an integer ≥ retry.initialRetryTimeMs',
    ],
    [
      'connectionTimeoutMs',
      o.connectionTimeoutMs,
      isPositiveInteger(o.connectionTimeoutMs),
      'an integer > 0',
    ],
    [
      'requestTimeoutMs',
      o.requestTimeoutMs,
      isPositiveInteger(o.requestTimeoutMs),
      'an integer > 0',
    ],
  ]);
  return o;
}

/**
 * Creates a kafkajs client. Producers, consumers and admins come from it
 * (`kafka.producer({ idempotent: true, maxInFlightRequests: 1 })`, …).
 *
 * kafkajs warns once per producer about its partitioner change unless the process sets
 * `KAFKAJS_NO_PARTITIONER_WARNING=1` (an app concern, set in the app's environment) or the
 * producer is given `createPartitioner: Partitioners.DefaultPartitioner`. The default
 * partitioner is Java-compatible murmur2: the same key lands on the same partition as with
 * Java clients.
 *
 * @example
 * ```ts
 * const kafka = createKafka({
 *   brokers: config.kafka.brokers,
 *   clientId: config.kafka.clientId,
 *   logCreator: kafkaLogCreator(logger),
 * });
 * const admin = kafka.admin();
 * ```
 */
export function createKafka(options: KafkaOptions): Kafka {
  const o = resolveKafkaOptions(options);
  return new Kafka({
    brokers: [...o.brokers],
    clientId: o.clientId,
    logLevel: o.logLevel,
    ...(o.logCreator === undefined ? {} : { logCreator: o.logCreator }),
    retry: {
      retries: o.retry.retries,
      initialRetryTime: o.retry.initialRetryTimeMs,
      maxRetryTime: o.retry.maxRetryTimeMs,
    },
    connectionTimeout: o.connectionTimeoutMs,
    requestTimeout: o.requestTimeoutMs,
    ...(options.ssl === undefined ? {} : { ssl: options.ssl }),
    ...(options.sasl === undefined ? {} : { sasl: options.sasl }),
  });
}
