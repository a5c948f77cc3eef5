import { hostname } from 'node:os';

import { redisCredentialChecks, safeName } from '@sagaflow/config';
import {
  checkOptions,
  type Clock,
  COMMAND_NAME_PATTERN,
  hasMethods,
  isNonEmptyString,
  isPositiveInteger,
  type Logger,
  NAME_PATTERN,
  noopLogger,
  systemClock,
} from '@sagaflow/core';
import { type TopicNames } from '@sagaflow/messaging';
import { type RedisSecurityOptions } from '@sagaflow/redis';
import { type Kafka } from 'kafkajs';
import { type DataSource } from 'typeorm';

import { type CommandHandlers } from './command-handler';
import { type ParticipantObserver } from './participant-observer';

/** Where the participant's Redis lives: the EventProcess cache and the BullMQ queues. */
export interface ParticipantRedisOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://…`. @defaultValue `'redis://127.0.0.1:6379'` */
  readonly url?: string;
  /** Prefix of the EventProcess cache keys. @defaultValue `` `sagaflow:${name}:` `` */
  readonly keyPrefix?: string;
  /**
   * Start of the BullMQ queue names (`<queuePrefix>ep-<name>`, `<queuePrefix>maintenance`);
   * `[A-Za-z0-9._-]` only.
   * @defaultValue `keyPrefix` with every other character replaced by `-`
   */
  readonly queuePrefix?: string;
  /**
   * The ACL user of both connections; needs a {@link password}. Not with credentials in
   * the URL. From `redisSecurity(config.redis)`.
   * @defaultValue the URL's, else `default`
   */
  readonly username?: string;
  /**
   * The password of both connections, kept out of the URL (and of every log).
   * @defaultValue the URL's, else no `AUTH`
   */
  readonly password?: string;
  /**
   * TLS options of both connections; a `rediss://` URL turns TLS on by itself.
   * @defaultValue TLS only with a `rediss://` URL
   */
  readonly tls?: RedisSecurityOptions['tls'];
}

/** {@link ParticipantRedisOptions} with the defaults applied. */
export interface ResolvedParticipantRedisOptions {
  readonly url: string;
  readonly keyPrefix: string;
  readonly queuePrefix: string;
  /** The user name, password and TLS options given, for both connections. */
  readonly security: RedisSecurityOptions;
}

/** The consumer timings a participant gets unless it sets its own. */
const CONSUMER_DEFAULTS = {
  sessionTimeoutMs: 10_000,
  heartbeatIntervalMs: 1_000,
  rebalanceTimeoutMs: 20_000,
} as const;

/**
 * Timings of the command consumer (see `EventProcessConsumer` in `@sagaflow/kafka`). The session
 * timeout is how long the partitions of a crashed participant wait before another member
 * (or the restarted one: kafkajs has no static membership) takes them over, so it is kept
 * short, as the orchestrator's is.
 */
export interface ParticipantConsumerOptions {
  /** @defaultValue `10000` */
  readonly sessionTimeoutMs?: number;
  /** At most a third of the session timeout. @defaultValue `1000` */
  readonly heartbeatIntervalMs?: number;
  /** @defaultValue `20000` */
  readonly rebalanceTimeoutMs?: number;
  /** Longest fetch long-poll; bounds how long stopping an idle consumer takes. @defaultValue `1000` */
  readonly maxWaitTimeMs?: number;
  /** @defaultValue `1` */
  readonly partitionsConsumedConcurrently?: number;
}

/** Batching of the reply relay (see `OutboxRelay` in `@sagaflow/kafka`). */
export interface ParticipantRelayOptions {
  /** Replies per Kafka transaction. @defaultValue `200` */
  readonly batchSize?: number;
  /** Fallback poll of the outbox, in ms (every commit wakes the relay anyway). @defaultValue `200` */
  readonly pollIntervalMs?: number;
}

/** Options of {@link createParticipant}. */
export interface ParticipantOptions {
  /**
   * The participant's name, as saga definitions name it (`payment-service`): its command
   * topic is `topics.commands(name)`, its EventProcess consumer and reply `source` are the
   * name, its consumer group is `` `${topics.prefix}${name}` ``. Pattern
   * `[a-z][a-z0-9-]{0,62}`. Required.
   */
  readonly name: string;
  /**
   * The service's database, initialized and migrated before `start()`, with
   * `participantEntities` / `participantMigrations` of `@sagaflow/mysql` and the service's
   * own. Not owned: the caller destroys it after `stop()`. Required.
   */
  readonly dataSource: DataSource;
  /** The kafkajs client, from `createKafka` of `@sagaflow/kafka`. Required. */
  readonly kafka: Kafka;
  /** The topic names, from `createTopicNames` of `@sagaflow/messaging`. Required. */
  readonly topics: TopicNames;
  /** One handler per command name, made with {@link commandHandler}; at least one. Required. */
  readonly handlers: CommandHandlers;
  /** @defaultValue see {@link ParticipantRedisOptions} */
  readonly redis?: ParticipantRedisOptions;
  /** Commands processed at once by this process. @defaultValue `4` */
  readonly concurrency?: number;
  /**
   * Runs of a handler that throws a retryable (technical) error before its command is
   * answered with a technical failure (`HANDLER_FAILED`) and its record marked FAILED.
   * @defaultValue `5`
   */
  readonly maxHandlerAttempts?: number;
  /** Delay before the first retry of a failed handler, in ms; doubles each time. @defaultValue `200` */
  readonly handlerBackoffMs?: number;
  /**
   * How long a command being processed is leased to its worker, in ms; a RECEIVED or
   * PROCESSING record older than this is queued again by the recovery job. Longer than a
   * handler ever takes. @defaultValue `60000`
   */
  readonly leaseMs?: number;
  /** Partitions of the topics `start()` creates (existing topics are left alone). @defaultValue `3` */
  readonly topicPartitions?: number;
  /**
   * How the reply relay publishes: `idempotent` (Kafka's idempotent producer; a batch
   * interrupted by a failure is published again and its duplicates are discarded by the
   * orchestrator's EventProcess key) or `transactional` (each batch in one Kafka
   * transaction, for consumers outside Sagaflow that read the replies topic and must never
   * see a duplicate; three more broker round trips per batch). @defaultValue `'idempotent'`
   */
  readonly relayDelivery?: 'idempotent' | 'transactional';
  /**
   * This process among the participant's instances, stable across its restarts: part of the
   * reply relay's Kafka transactional id (with `relayDelivery: 'transactional'`), so a
   * restarted instance fences its predecessor.
   * `[A-Za-z0-9._-]`. @defaultValue the host name (other characters replaced by `-`)
   */
  readonly instanceId?: string;
  /**
   * How often the recovery job runs, in ms: it queues stale EventProcess records again and repairs
   * the EventProcess cache against MySQL. @defaultValue `30000`
   */
  readonly recoveryIntervalMs?: number;
  /**
   * How long finished rows are kept, in ms, before the purge deletes them: published replies
   * in the outbox, this participant's DONE EventProcess records and its answered
   * `step_result` rows. Unpublished replies and RECEIVED, PROCESSING or FAILED records are
   * never deleted. Once a command's rows are gone, the command redelivered or replayed is
   * no longer recognised: it is applied again, and a compensation of a step whose result is
   * gone finds nothing to undo. Keep it longer than a command can be redelivered or
   * replayed, and than a saga can wait between a step and its compensation (a saga parked
   * for an operator included): days, not minutes. At least `60000`.
   * @defaultValue `604800000` (7 days)
   */
  readonly retentionMs?: number;
  /**
   * How often the purge runs, in ms; one run deletes at most 100000 rows per table, the rest
   * goes in the next runs. @defaultValue `300000`
   */
  readonly purgeIntervalMs?: number;
  /** @defaultValue see {@link ParticipantConsumerOptions} */
  readonly consumer?: ParticipantConsumerOptions;
  /** @defaultValue see {@link ParticipantRelayOptions} */
  readonly relay?: ParticipantRelayOptions;
  /** Structured logs; command lines carry `sagaId`, `messageId`, `step`. @defaultValue `noopLogger` */
  readonly logger?: Logger;
  /**
   * Told of every command answered, duplicate, failure, dead letter and lost job: metrics
   * (`createParticipantPrometheusMetrics`) or logs. @defaultValue none
   */
  readonly observer?: ParticipantObserver;
  /** Stamps replies, EventProcess table and outbox rows. @defaultValue the system clock */
  readonly clock?: Clock;
}

/** {@link ParticipantOptions} with every default applied. */
export interface ResolvedParticipantOptions {
  readonly name: string;
  readonly dataSource: DataSource;
  readonly kafka: Kafka;
  readonly topics: TopicNames;
  readonly handlers: CommandHandlers;
  readonly redis: ResolvedParticipantRedisOptions;
  readonly concurrency: number;
  readonly maxHandlerAttempts: number;
  readonly handlerBackoffMs: number;
  readonly leaseMs: number;
  readonly topicPartitions: number;
  readonly relayDelivery: 'idempotent' | 'transactional';
  readonly instanceId: string;
  readonly recoveryIntervalMs: number;
  readonly retentionMs: number;
  readonly purgeIntervalMs: number;
  readonly consumer: ParticipantConsumerOptions;
  readonly relay: ParticipantRelayOptions;
  readonly logger: Logger;
  readonly observer: ParticipantObserver;
  readonly clock: Clock;
  /** `` `${topics.prefix}${name}` ``. */
  readonly groupId: string;
  /** `` `${topics.prefix}${name}-relay-${instanceId}` ``. */
  readonly transactionalId: string;
}

const REDIS_URL = /^rediss?:\/\/[^\s/?#]+(?:\/\d{1,2})?$/;
const KAFKA_ID = /^[A-Za-z0-9._-]{1,249}$/;
/** The shortest retention of finished rows, as the orchestrator's `SAGAFLOW_RETENTION_MS`. */
const MIN_RETENTION_MS = 60_000;

const isOptionalPositive = (value: unknown): boolean =>
  value === undefined || isPositiveInteger(value);

/**
 * Applies the defaults of {@link ParticipantOptions} and validates them.
 * @throws InvalidArgumentError naming every bad field and its value.
 */
export function resolveParticipantOptions(options: ParticipantOptions): ResolvedParticipantOptions {
  const name = options.name;
  const handlers = (options.handlers as CommandHandlers | undefined) ?? {};
  const handlerEntries = Object.entries(handlers);
  const topics = options.topics as Partial<TopicNames> | undefined;
  const keyPrefix = options.redis?.keyPrefix ?? `sagaflow:${name}:`;
  const { username, password, tls } = options.redis ?? {};
  const redis: ResolvedParticipantRedisOptions = {
    url: options.redis?.url ?? 'redis://127.0.0.1:6379',
    keyPrefix,
    queuePrefix: options.redis?.queuePrefix ?? safeName(keyPrefix),
    security: {
      ...(username === undefined ? {} : { username }),
      ...(password === undefined ? {} : { password }),
      ...(tls === undefined ? {} : { tls }),
    },
  };
  const instanceId = options.instanceId ?? safeName(hostname());
  const consumer: ParticipantConsumerOptions = {
    ...CONSUMER_DEFAULTS,
    ...options.consumer,
  };
  const relay = options.relay ?? {};
  const resolved: ResolvedParticipantOptions = {
    name,
    dataSource: options.dataSource,
    kafka: options.kafka,
    topics: options.topics,
    handlers,
    redis,
    concurrency: options.concurrency ?? 4,
    maxHandlerAttempts: options.maxHandlerAttempts ?? 5,
    handlerBackoffMs: options.handlerBackoffMs ?? 200,
    leaseMs: options.leaseMs ?? 60_000,
    topicPartitions: options.topicPartitions ?? 3,
    relayDelivery: options.relayDelivery ?? 'idempotent',
    instanceId,
    recoveryIntervalMs: options.recoveryIntervalMs ?? 30_000,
    retentionMs: options.retentionMs ?? 604_800_000,
    purgeIntervalMs: options.purgeIntervalMs ?? 300_000,
    consumer,
    relay,
    logger: options.logger ?? noopLogger,
    observer: options.observer ?? {},
    clock: options.clock ?? systemClock,
    groupId: `${topics?.prefix ?? ''}${name}`,
    transactionalId: `${topics?.prefix ?? ''}${name}-relay-${instanceId}`,
  };
  const numbers: readonly (readonly [string, unknown])[] = [
    ['concurrency', resolved.concurrency],
    ['maxHandlerAttempts', resolved.maxHandlerAttempts],
    ['handlerBackoffMs', resolved.handlerBackoffMs],
    ['leaseMs', resolved.leaseMs],
    ['topicPartitions', resolved.topicPartitions],
    ['recoveryIntervalMs', resolved.recoveryIntervalMs],
    ['purgeIntervalMs', resolved.purgeIntervalMs],
  ];
  const optionalNumbers: readonly (readonly [string, unknown])[] = [
    ['consumer.sessionTimeoutMs', consumer.sessionTimeoutMs],
    ['consumer.heartbeatIntervalMs', consumer.heartbeatIntervalMs],
    ['consumer.rebalanceTimeoutMs', consumer.rebalanceTimeoutMs],
    ['consumer.maxWaitTimeMs', consumer.maxWaitTimeMs],
    ['consumer.partitionsConsumedConcurrently', consumer.partitionsConsumedConcurrently],
    ['relay.batchSize', relay.batchSize],
    ['relay.pollIntervalMs', relay.pollIntervalMs],
  ];
  checkOptions('createParticipant', [
    [
      'name',
      name,
      typeof name === 'string' && NAME_PATTERN.test(name),
      `a participant name matching ${String(NAME_PATTERN)}`,
    ],
    [
      'dataSource',
      '[value]',
      hasMethods(options.dataSource, ['transaction', 'query']),
      'a TypeORM DataSource',
    ],
    [
      'kafka',
      '[value]',
      hasMethods(options.kafka, ['consumer', 'admin']),
      'a kafkajs Kafka client',
    ],
    [
      'topics',
      '[value]',
      typeof topics?.prefix === 'string' && typeof topics.commands === 'function',
      'TopicNames from createTopicNames',
    ],
    [
      'handlers',
      handlerEntries.map(([command]) => command),
      handlerEntries.length > 0 &&
        handlerEntries.every(
          ([command, handler]) =>
            COMMAND_NAME_PATTERN.test(command) &&
            hasMethods(handler, ['handle']) &&
            hasMethods(handler.schema, ['safeParse']),
        ),
      `at least one commandHandler(...), keyed by command names matching ${String(COMMAND_NAME_PATTERN)}`,
    ],
    ['redis.url', redis.url, REDIS_URL.test(redis.url), 'a redis:// or rediss:// URL'],
    ['redis.keyPrefix', redis.keyPrefix, !/\s/.test(redis.keyPrefix), 'a prefix without spaces'],
    ...redisCredentialChecks(redis.url, redis.security, 'redis.'),
    [
      'redis.queuePrefix',
      redis.queuePrefix,
      /^[A-Za-z0-9._-]*$/.test(redis.queuePrefix),
      'characters [A-Za-z0-9._-]',
    ],
    ...numbers.map(
      ([field, value]) => [field, value, isPositiveInteger(value), 'an integer > 0'] as const,
    ),
    [
      'retentionMs',
      resolved.retentionMs,
      isPositiveInteger(resolved.retentionMs) && resolved.retentionMs >= MIN_RETENTION_MS,
      `an integer ≥ ${MIN_RETENTION_MS} (a minute)`,
    ],
    ...optionalNumbers.map(
      ([field, value]) => [field, value, isOptionalPositive(value), 'an integer > 0'] as const,
    ),
    [
      'relayDelivery',
      resolved.relayDelivery,
      (['idempotent', 'transactional'] as readonly unknown[]).includes(resolved.relayDelivery),
      "'idempotent' or 'transactional'",
    ],
    [
      'instanceId',
      instanceId,
      isNonEmptyString(instanceId) && KAFKA_ID.test(resolved.transactionalId),
      'characters [A-Za-z0-9._-], the relay transactional id at most 249 long',
    ],
    ['logger', '[value]', hasMethods(resolved.logger, ['info', 'child']), 'a Logger'],
    ['metrics', '[value]', !('metrics' in options), 'unset: it was renamed observer'],
    ['clock', '[value]', hasMethods(resolved.clock, ['now']), 'a Clock'],
  ]);
  return resolved;
}
