import { z } from 'zod';
import { headersSchema, idSchema, nameSchema, timestampSchema } from './envelope-fields';

/** The dead-letter record schema version this library writes and reads. */
export const DEAD_LETTER_SCHEMA_VERSION = 1;

/** Why a record was dead-lettered: a stable code and a readable message. */
export interface DeadLetterReason {
  /** E.g. `MESSAGE_INVALID`, `MESSAGE_UNDECODABLE`, or a consumer's own error code. */
  readonly code: string;
  readonly message: string;
}

/**
 * What the dead-letter topic carries for a record that a consumer could not use: where
 * the record came from, the record itself (value as text), why it failed and who failed
 * on it. Enough for an operator to inspect it and replay it to its source topic.
 *
 * @example
 * ```ts
 * const decoded = decodeDeadLetter(raw);
 * if (decoded.ok) replay(decoded.record.sourceTopic, decoded.record.key, decoded.record.value);
 * ```
 */
export interface DeadLetterRecord {
  readonly schemaVersion: typeof DEAD_LETTER_SCHEMA_VERSION;
  readonly sourceTopic: string;
  readonly partition: number;
  /** The record's offset in its partition (Kafka offsets are 64-bit: kept as text). */
  readonly offset: string;
  readonly key: string | null;
  /** The record's value as UTF-8 text; null for a record without a value. */
  readonly value: string | null;
  /** True when {@link value} was cut to fit the dead-letter topic; it cannot be replayed. */
  readonly valueTruncated: boolean;
  readonly headers: Readonly<Record<string, string>>;
  readonly reason: DeadLetterReason;
  /** The consumer (group) that failed on the record. */
  readonly consumer: string;
  /** When it was dead-lettered, ISO-8601 UTC. */
  readonly failedAt: string;
  /** The message id, when one could be read (error context or record headers). */
  readonly messageId: string | null;
  /** The saga id, when one could be read (error context or record headers). */
  readonly sagaId: string | null;
}

/** Schema of {@link DeadLetterRecord}. Unknown fields are ignored and dropped. */
export const deadLetterRecordSchema = z.object({
  schemaVersion: z.literal(DEAD_LETTER_SCHEMA_VERSION),
  sourceTopic: z.string().regex(/^[A-Za-z0-9._-]{1,249}$/, {
    error: 'expected a Kafka topic name: 1 to 249 characters [A-Za-z0-9._-]',
  }),
  partition: z.int().nonnegative(),
  offset: z.string().regex(/^\d{1,20}$/, { error: 'expected a non-negative integer as text' }),
  key: z.string().nullable(),
  value: z.string().nullable(),
  valueTruncated: z.boolean(),
  headers: headersSchema,
  reason: z.object({ code: nameSchema, message: z.string() }),
  consumer: nameSchema,
  failedAt: timestampSchema,
  messageId: idSchema.nullable(),
  sagaId: idSchema.nullable(),
}) satisfies z.ZodType<DeadLetterRecord>;
