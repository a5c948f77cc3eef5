import { type JsonValue } from '@sagaflow/core';
import { z } from 'zod';

import { MessageEncodeError } from './errors';

/**
 * Characters allowed in ids and participant names: Kafka's legal topic characters, safe in
 * header values, MySQL keys, BullMQ job ids and URLs without escaping.
 */
export const ID_PATTERN = /^[A-Za-z0-9._-]+$/;

/** Longest id accepted; stores can size their key columns on it. */
const MAX_ID_LENGTH = 255;

/** Longest free-form name (saga type, step, message type, source) accepted. */
export const MAX_NAME_LENGTH = 255;

/** True when `value` is a well-formed id: 1 to 255 characters from `[A-Za-z0-9._-]`. */
export function isMessagingId(value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_ID_LENGTH && ID_PATTERN.test(value);
}

/** A message, saga or causation id. */
export const idSchema = z
  .string()
  .max(MAX_ID_LENGTH, { error: `expected at most ${MAX_ID_LENGTH} characters` })
  .regex(ID_PATTERN, { error: 'expected a non-empty id of characters [A-Za-z0-9._-]' });

/** A saga type, step, message type or source: any non-empty text without control characters. */
export const nameSchema = z
  .string()
  .max(MAX_NAME_LENGTH, { error: `expected at most ${MAX_NAME_LENGTH} characters` })
  .regex(/^\P{Cc}+$/u, { error: 'expected a non-empty name without control characters' });

/** A positive safe integer (attempts, saga versions). */
export const positiveIntSchema = z.int().positive();

/** An ISO-8601 UTC timestamp as `Date.prototype.toISOString` writes it (`Z`, no offset). */
export const timestampSchema = z.iso.datetime({
  error: 'expected an ISO-8601 UTC timestamp such as 2024-05-01T12:00:00.000Z',
});

/**
 * `date` as an ISO-8601 UTC timestamp, the form {@link timestampSchema} reads.
 *
 * @throws {@link MessageEncodeError} for an invalid date, which `toISOString` would turn
 * into an untyped `RangeError`.
 */
export function isoTimestamp(date: Date, field: string): string {
  if (Number.isNaN(date.getTime())) {
    throw new MessageEncodeError(`${field} is not a valid date`, { field });
  }
  return date.toISOString();
}

/** Any JSON value: finite numbers only, plain objects and arrays only. */
const jsonValueSchema: z.ZodType<JsonValue> = z.lazy(() =>
  z.union(
    [
      z.string(),
      z.number(),
      z.boolean(),
      z.null(),
      z.array(jsonValueSchema),
      z.record(z.string(), jsonValueSchema),
    ],
    { error: 'expected a JSON value (string, finite number, boolean, null, array or object)' },
  ),
);

/** A JSON object (command and reply payloads). */
export const jsonObjectSchema = z.record(z.string(), jsonValueSchema);

/** Free-form string metadata carried with a message (trace ids and the like). */
export const headersSchema = z.record(z.string(), z.string());
