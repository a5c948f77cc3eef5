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
 * @example
 * ```ts
 * const kafka = createKafka({ clientId: 'orchestrator', brokers, logCreator: kafkaLogCreator(logger) });
 * ```
 */
export function kafkaLogCreator(logger: LevelLogger): KafkaLogCreator {
  return () =>
    ({ namespace, level, log }) => {
      const target = lineLevel(level);
      if (target === undefined) return;
      const { message, timestamp: _kafkaTimestamp, logger: _kafkaLogger, ...extra } = log;
      logger.log(target, message, { component: 'kafkajs', namespace, ...extra });
    };
}
