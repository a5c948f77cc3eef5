import { type ErrorContext, SagaflowError } from '@sagaflow/core';

/** Why a message could not be decoded; the stable codes of {@link MessageDecodeError}. */
export const MessageDecodeErrorCode = {
  /** Not JSON, or JSON that is not an object. */
  Undecodable: 'MESSAGE_UNDECODABLE',
  /** A JSON object that does not match the schema. */
  Invalid: 'MESSAGE_INVALID',
  /** A `schemaVersion` this library does not read. */
  SchemaUnsupported: 'MESSAGE_SCHEMA_UNSUPPORTED',
  /** Larger than the configured limit; not parsed at all. */
  TooLarge: 'MESSAGE_TOO_LARGE',
} as const;

/** One of the {@link MessageDecodeErrorCode} values. */
export type MessageDecodeErrorCode =
  (typeof MessageDecodeErrorCode)[keyof typeof MessageDecodeErrorCode];

/** Options of a {@link MessageDecodeError}. */
export interface MessageDecodeErrorOptions {
  readonly cause?: unknown;
  /** The ids that could be read from the message (`messageId`, `sagaId`, …). */
  readonly context?: ErrorContext;
  /** One line per schema violation, `path: issue`. */
  readonly issues?: readonly string[];
}

/**
 * A consumed message cannot be used: it belongs in the dead-letter topic. Terminal —
 * decoding the same bytes again gives the same answer. {@link context} holds whatever ids
 * could be read, so the dead letter can be traced to its saga.
 *
 * @example
 * ```ts
 * const decoded = decodeCommand(raw);
 * if (!decoded.ok) await deadLetter(record, decoded.error.code, decoded.error.message);
 * ```
 */
export class MessageDecodeError extends SagaflowError {
  readonly code: MessageDecodeErrorCode;
  readonly retryable = false;
  /** One line per schema violation, `path: issue` (empty for other codes). */
  readonly issues: readonly string[];

  constructor(
    code: MessageDecodeErrorCode,
    message: string,
    options: MessageDecodeErrorOptions = {},
  ) {
    super(message, {
      ...(options.cause === undefined ? {} : { cause: options.cause }),
      ...(options.context === undefined ? {} : { context: options.context }),
    });
    this.code = code;
    this.issues = options.issues ?? [];
  }
}

/**
 * A message cannot be produced: it does not match its schema (a bad id, a non-JSON
 * payload, an invalid date) or its encoding is larger than the limit. Raised on the
 * producing side so that a message no consumer could read never reaches Kafka. Terminal.
 */
export class MessageEncodeError extends SagaflowError {
  readonly code = 'MESSAGE_NOT_ENCODABLE';
  readonly retryable = false;
  /** One line per schema violation, `path: issue` (empty when the message is too large). */
  readonly issues: readonly string[];

  constructor(message: string, context: ErrorContext, issues: readonly string[] = []) {
    super(message, { context });
    this.issues = issues;
  }
}
