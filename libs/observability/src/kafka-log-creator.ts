import type { LogFields } from '@sagaflow/core';

import type { LineLevel } from './structured-logger';

/**
 * kafkajs's numeric log levels (its `logLevel` enum), repeated here so this package does
 * not depend on kafkajs; a spec checks them against the real enum.
 */
export const KafkaLogLevel = { NOTHING: 0, ERROR: 1, WARN: 2, INFO: 4, DEBUG: 5 } as const;

/** One log call of kafkajs (the shape of its `LogEntry`). */
export interface KafkaLogEntry {
  readonly namespace: string;
  readonly level: number;
  readonly label: string;
  readonly log: { readonly message: string; readonly timestamp: string } & Readonly<
    Record<string, unknown>
  >;
}

/** The shape of kafkajs's `logCreator` option: given the client's level, a log function. */
export type KafkaLogCreator = (logLevel: number) => (entry: KafkaLogEntry) => void;

/** What {@link kafkaLogCreator} writes to: a level-addressable logger. */
export interface LevelLogger {
  log(level: LineLevel, message: string, fields?: LogFields): void;
}

/**
 * The messages of transient errors kafkajs retries by itself. First those it calls stale
 * metadata (`UNKNOWN_TOPIC_OR_PARTITION`, `LEADER_NOT_AVAILABLE`, `NOT_LEADER_FOR_PARTITION`):
 * they answer requests for a partition whose leader is being elected — right after
 * `ensureTopics` created a topic, or while a broker hands leadership over — and kafkajs
 * refreshes its metadata and retries. Then `CONCURRENT_TRANSACTIONS`: the transaction
 * coordinator still writes the previous transaction's markers when a busy producer opens
 * the next one, and kafkajs retries `AddPartitionsToTxn` after a back-off. A failure that
 * outlasts the retries reaches the caller as an error of its own; the connection, though,
 * logs each error response at ERROR level first, so normal operation would log errors that
 * need nobody's attention.
 */
const SELF_RETRIED_MESSAGES: ReadonlySet<string> = new Set([
  'This server does not host this topic-partition',
  'There is no leader for this topic-partition as we are in the middle of a leadership election',
  'This server is not the leader for that topic-partition',
  'The producer attempted to update a transaction while another concurrent operation on the same transaction was ongoing',
]);

/** Prefix of the producer's line before it retries a send. */
const SEND_RETRY_PREFIX = 'Failed to send messages: ';

/**
 * True for an error line about a transient error that kafkajs retries by itself: a response
 * error logged by its connection (`error` holds the message) or a producer's retry notice.
 * A line that only mentions such an error (a consumer's `Crash: …`) is not one.
 */
function isSelfRetried(log: KafkaLogEntry['log']): boolean {
  const { message, error } = log;
  if (typeof error === 'string' && SELF_RETRIED_MESSAGES.has(error)) return true;
  return (
    SELF_RETRIED_MESSAGES.has(message) ||
    (message.startsWith(SEND_RETRY_PREFIX) &&
      SELF_RETRIED_MESSAGES.has(message.slice(SEND_RETRY_PREFIX.length)))
  );
}

function lineLevel(kafkaLevel: number): LineLevel | undefined {
  if (kafkaLevel === KafkaLogLevel.NOTHING) return undefined;
  if (kafkaLevel <= KafkaLogLevel.ERROR) return 'error';
  if (kafkaLevel === KafkaLogLevel.WARN) return 'warn';
  if (kafkaLevel <= KafkaLogLevel.INFO) return 'info';
  return 'debug';
}

/**
 * Routes kafkajs's logs through a Sagaflow logger: kafkajs ERROR/WARN/INFO/DEBUG become
 * error/warn/info/debug lines with `component: 'kafkajs'`, the kafkajs `namespace`
 * (`Consumer`, `Connection`, …) and kafkajs's own fields (`broker`, `groupId`, `error`,
 * `stack`, `retryCount`, …), redacted like every other line. kafkajs's timestamp is dropped
 * for the logger's own.
 *
 * kafkajs filters by the `logLevel` given to its client first, then the logger's level applies.
 *
 * One exception to the mapping: the error lines kafkajs writes while a partition's leader is
 * elected ("This server does not host this topic-partition" and its kin, which kafkajs
 * retries by itself once it refreshed its metadata) or while the transaction coordinator
 * finishes the previous transaction (`CONCURRENT_TRANSACTIONS`) become debug lines, so a
 * normal start that creates its topics, and a busy transactional producer, log no errors. What kafkajs cannot retry away still surfaces as
 * the failing call's own error.
 *
 * @example
 * ```ts
 * const kafka = createKafka({ clientId: 'orchestrator', brokers, logCreator: kafkaLogCreator(logger) });
 * ```
 */
export function kafkaLogCreator(logger: LevelLogger): KafkaLogCreator {
  return () =>
    ({ namespace, level, log }) => {
      const mapped = lineLevel(level);
      if (mapped === undefined) return;
      const target = mapped === 'error' && isSelfRetried(log) ? 'debug' : mapped;
      const { message, timestamp: _kafkaTimestamp, logger: _kafkaLogger, ...extra } = log;
      logger.log(target, message, { component: 'kafkajs', namespace, ...extra });
    };
}
