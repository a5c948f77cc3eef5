import { checkOptions, type DeadLetter, errorMessage, SagaflowError } from '@sagaflow/core';
import {
  type DeadLetterReason,
  type DeadLetterRecord,
  DEAD_LETTER_SCHEMA_VERSION,
} from './dead-letter-record';
import { isMessagingId, isoTimestamp } from './envelope-fields';
import { MessageHeader } from './message-headers';
import { utf8ByteLength } from './utf8-byte-length';

/** 512 KiB: leaves room for the rest of the record under the 1 MiB message limit. */
export const DEFAULT_MAX_DEAD_LETTER_VALUE_BYTES = 524_288;

/** Longest reason message kept; an error's message can be arbitrarily long. */
export const MAX_REASON_MESSAGE_LENGTH = 4096;

/** The reason code of an error that is not a `SagaflowError`. */
export const UNEXPECTED_ERROR_CODE = 'UNEXPECTED_ERROR';

/** The consumed record and the error that makes it a dead letter. */
export interface DeadLetterInput {
  readonly sourceTopic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  /** The record's value as UTF-8 text, null when it had none. */
  readonly value: string | null;
  readonly headers: Readonly<Record<string, string>>;
  /** The consumer (group) that failed on it. */
  readonly consumer: string;
  readonly failedAt: Date;
  /**
   * Why: a `SagaflowError` (e.g. the `MessageDecodeError` of a failed decode) gives its
   * code, message and context ids; any other error gives `UNEXPECTED_ERROR` and its message.
   */
  readonly error: unknown;
}

/** Options of {@link createDeadLetterRecord}. */
export interface DeadLetterOptions {
  /**
   * Largest value kept, in UTF-8 bytes of its JSON encoding; a longer value is cut and
   * marked `valueTruncated`, so that the dead letter itself always fits the topic.
   *
   * @defaultValue 524288 (512 KiB)
   */
  readonly maxValueBytes?: number;
}

/**
 * Builds the dead-letter record of a consumed record: reason from the error, message and
 * saga ids from the error's context or else from the Sagaflow headers, value cut to fit.
 *
 * @throws {@link MessageEncodeError} when `failedAt` is an invalid date.
 * @throws `InvalidArgumentError` (`OPTIONS_INVALID`) when `options.maxValueBytes` is invalid.
 *
 * @example
 * ```ts
 * const decoded = decodeCommand(value);
 * if (!decoded.ok) {
 *   const record = createDeadLetterRecord({ sourceTopic, partition, offset, key, value,
 *     headers, consumer: 'payment-service', failedAt: clock.now(), error: decoded.error });
 *   await send(topics.deadLetters, encodeDeadLetter(record));
 * }
 * ```
 */
export function createDeadLetterRecord(
  input: DeadLetterInput,
  options: DeadLetterOptions = {},
): DeadLetterRecord {
  const maxValueBytes = options.maxValueBytes ?? DEFAULT_MAX_DEAD_LETTER_VALUE_BYTES;
  checkOptions('createDeadLetterRecord', [
    [
      'maxValueBytes',
      maxValueBytes,
      Number.isSafeInteger(maxValueBytes) && maxValueBytes >= 2,
      'an integer ≥ 2',
    ],
  ]);
  const failedAt = isoTimestamp(input.failedAt, 'failedAt');
  const value = input.value === null ? null : fitValue(input.value, maxValueBytes);
  const context = input.error instanceof SagaflowError ? input.error.context : {};
  return {
    schemaVersion: DEAD_LETTER_SCHEMA_VERSION,
    sourceTopic: input.sourceTopic,
    partition: input.partition,
    offset: input.offset,
    key: input.key,
    value,
    valueTruncated: value !== input.value,
    headers: input.headers,
    reason: reasonOf(input.error),
    consumer: input.consumer,
    failedAt,
    messageId: firstId(context.messageId, input.headers[MessageHeader.MessageId]),
    sagaId: firstId(context.sagaId, input.headers[MessageHeader.SagaId]),
  };
}

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

function reasonOf(error: unknown): DeadLetterReason {
  const code = error instanceof SagaflowError ? error.code : UNEXPECTED_ERROR_CODE;
  return { code, message: capMessage(errorMessage(error)) };
}

function capMessage(message: string): string {
  return message.length <= MAX_REASON_MESSAGE_LENGTH
    ? message
    : `${message.slice(0, MAX_REASON_MESSAGE_LENGTH - 1)}…`;
}

function firstId(...candidates: unknown[]): string | null {
  return candidates.find(isMessagingId) ?? null;
}

/** `value`, or its longest prefix whose JSON encoding fits `maxBytes`. */
function fitValue(value: string, maxBytes: number): string {
  const fits = (text: string): boolean => utf8ByteLength(JSON.stringify(text)) <= maxBytes;
  if (fits(value)) return value;
  // Binary search on the prefix length. A prefix that ends inside a surrogate pair costs
  // more (the lone half is escaped as \udXXX, 6 bytes) than the whole pair (4 bytes), so
  // the search never stops inside one.
  let low = 0;
  let high = value.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (fits(value.slice(0, mid))) low = mid;
    else high = mid - 1;
  }
  return value.slice(0, low);
}
