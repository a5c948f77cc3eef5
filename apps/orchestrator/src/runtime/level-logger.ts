import { type Logger } from '@sagaflow/core';
import { type LevelLogger } from '@sagaflow/observability';

/**
 * A core {@link Logger} addressed by level, as `kafkaLogCreator` wants it, so kafkajs's
 * lines go wherever the orchestrator's logger writes — whichever `Logger` it was given.
 *
 * @example
 * ```ts
 * createKafka({ brokers, clientId, logCreator: kafkaLogCreator(levelLogger(logger)) });
 * ```
 */
export function levelLogger(logger: Logger): LevelLogger {
  return {
    log: (level, message, fields) => {
      logger[level](message, fields);
    },
  };
}
