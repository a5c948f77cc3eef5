import { type StoredDeadLetter } from '@sagaflow/core';

/**
 * Publishes a dead letter's original record again (source topic, key, headers, value), for
 * an operator who fixed what made it fail. The consumer's EventProcess table discards it if it was
 * processed after all, so a replay never applies a message twice.
 *
 * @example
 * ```ts
 * const replay: DeadLetterReplayPort = { replay: (letter) => replayDeadLetter(producer, letter) };
 * ```
 */
export interface DeadLetterReplayPort {
  /** Resolves once the broker acknowledged the record. */
  replay(deadLetter: StoredDeadLetter): Promise<void>;
}
