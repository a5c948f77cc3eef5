import { ConflictError, type StoredDeadLetter } from '@sagaflow/core';

import { type RecordSender } from './kafka-record';

/**
 * Re-publishes a dead letter's original record — key, value and headers as consumed — to
 * its source topic, outside any transaction; the consumer then decodes it again (after a
 * fix was deployed, say). Duplicates are harmless: the consumer's EventProcess table drops a message id
 * it already processed. Marking the entry replayed (`DeadLetterStore.markReplayed`) is the
 * caller's job, after this resolves.
 *
 * @throws `ConflictError` (`DEAD_LETTER_NOT_REPLAYABLE`) when the value was truncated on
 * recording: re-publishing it would put a damaged message on the source topic.
 * @throws `TransientError` (`KAFKA_PUBLISH_FAILED`, retryable) when the send failed.
 *
 * @example
 * ```ts
 * const entry = await deadLetters.get(id);
 * if (entry) {
 *   await replayDeadLetter(entry, publisher);
 *   await deadLetters.markReplayed(id, actor, clock.now());
 * }
 * ```
 */
export async function replayDeadLetter(
  entry: StoredDeadLetter,
  sender: RecordSender,
): Promise<void> {
  if (entry.valueTruncated) {
    throw new ConflictError(
      'DEAD_LETTER_NOT_REPLAYABLE',
      `dead letter ${entry.id} cannot be replayed: its value was truncated when recorded`,
      { context: { deadLetterId: entry.id } },
    );
  }
  await sender.send([
    { topic: entry.sourceTopic, key: entry.key, value: entry.value, headers: entry.headers },
  ]);
}
