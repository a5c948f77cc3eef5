import { formatIssues } from '@sagaflow/core';

import { type CodecOptions, resolveCodecOptions } from './codec-options';
import {
  type DeadLetterRecord,
  DEAD_LETTER_SCHEMA_VERSION,
  deadLetterRecordSchema,
} from './dead-letter-record';
import { MessageDecodeError, MessageDecodeErrorCode, MessageEncodeError } from './errors';
import { parseJsonObject } from './parse-json-object';
import { utf8ByteLength } from './utf8-byte-length';

/** The outcome of {@link decodeDeadLetter}. Decoding never throws for bad input. */
export type DeadLetterDecodeResult =
  | { readonly ok: true; readonly record: DeadLetterRecord }
  | { readonly ok: false; readonly error: MessageDecodeError };

/**
 * Encodes a dead-letter record as JSON after validating it.
 *
 * @throws {@link MessageEncodeError} when the record is invalid or its encoding is larger
 * than `options.maxBytes` ({@link createDeadLetterRecord} truncates the value to keep it
 * well below).
 *
 * @example
 * ```ts
 * await producer.send({ topic: topics.deadLetters, messages: [{ key, value: encodeDeadLetter(record) }] });
 * ```
 */
export function encodeDeadLetter(record: DeadLetterRecord, options?: CodecOptions): string {
  const { maxBytes } = resolveCodecOptions(options);
  const context = {
    sourceTopic: record.sourceTopic,
    partition: record.partition,
    offset: record.offset,
  };
  const parsed = deadLetterRecordSchema.safeParse(record);
  if (!parsed.success) {
    const issues = formatIssues(parsed.error.issues);
    throw new MessageEncodeError(
      `dead-letter record is invalid:\n${issues.join('\n')}`,
      context,
      issues,
    );
  }
  const text = JSON.stringify(parsed.data);
  const size = utf8ByteLength(text);
  if (size > maxBytes) {
    throw new MessageEncodeError(
      `dead-letter record is ${size} bytes, larger than the limit of ${maxBytes} bytes`,
      { ...context, size, maxBytes },
    );
  }
  return text;
}

/**
 * Decodes and validates a record of the dead-letter topic, with the error codes of
 * {@link decodeEnvelope}.
 *
 * @example
 * ```ts
 * const decoded = decodeDeadLetter(message.value.toString('utf8'));
 * if (decoded.ok) await deadLetters.insert(decoded.record);
 * ```
 */
export function decodeDeadLetter(raw: string, options?: CodecOptions): DeadLetterDecodeResult {
  const { maxBytes } = resolveCodecOptions(options);
  const json = parseJsonObject(raw, maxBytes);
  if (!json.ok) return json;
  const version = json.value.schemaVersion;
  if (
    typeof version === 'number' &&
    Number.isInteger(version) &&
    version !== DEAD_LETTER_SCHEMA_VERSION
  ) {
    return {
      ok: false,
      error: new MessageDecodeError(
        MessageDecodeErrorCode.SchemaUnsupported,
        `dead-letter schema version ${version} is not supported (supported: ${DEAD_LETTER_SCHEMA_VERSION})`,
      ),
    };
  }
  const parsed = deadLetterRecordSchema.safeParse(json.value);
  if (!parsed.success) {
    const issues = formatIssues(parsed.error.issues);
    return {
      ok: false,
      error: new MessageDecodeError(
        MessageDecodeErrorCode.Invalid,
        `dead-letter record is invalid:\n${issues.join('\n')}`,
        { issues },
      ),
    };
  }
  return { ok: true, record: parsed.data };
}
