import { type DeadLetter } from '@sagaflow/core';

import { type DeadLetterRecord } from './dead-letter-record';

/**
 * The dead-letter table's entry (core's `DeadLetter`, what a `DeadLetterStore` records) of
 * a dead-letter topic record: the same fields without `schemaVersion`, which describes the
 * topic's encoding and not the dead letter.
 *
 * @example
 * ```ts
 * const record = createDeadLetterRecord({ ...consumed, error });
 * await store.record(toDeadLetter(record));
 * await producer.send({ topic: topics.deadLetters, messages: [{ value: encodeDeadLetter(record) }] });
 * ```
 */
export function toDeadLetter(record: DeadLetterRecord): DeadLetter {
  const { schemaVersion: _schemaVersion, ...deadLetter } = record;
  return deadLetter;
}
