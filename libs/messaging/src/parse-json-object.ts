import { type ErrorContext, errorMessage } from '@sagaflow/core';
import {
  MessageDecodeError,
  MessageDecodeErrorCode,
  type MessageDecodeErrorOptions,
} from './errors';
import { jsonStructureIssue } from './json-structure';
import { readableIds } from './readable-ids';
import { utf8ByteLength } from './utf8-byte-length';

/** The outcome of {@link parseJsonObject}. */
export type JsonObjectParseResult =
  | {
      readonly ok: true;
      readonly value: Readonly<Record<string, unknown>>;
      readonly context: ErrorContext;
    }
  | { readonly ok: false; readonly error: MessageDecodeError };

/**
 * The checks every consumed message goes through before its schema: a size limit (checked
 * before parsing, so a huge value costs no parse), valid JSON, a JSON object, and a bounded
 * nesting depth without `__proto__` keys. Never throws.
 */
export function parseJsonObject(raw: unknown, maxBytes: number): JsonObjectParseResult {
  if (typeof raw !== 'string') {
    return failure(
      MessageDecodeErrorCode.Undecodable,
      `message is not a string (${raw === null ? 'null' : typeof raw})`,
    );
  }
  // Every UTF-16 unit is at least one UTF-8 byte: a long string is too large uncounted.
  const size = raw.length > maxBytes ? raw.length : utf8ByteLength(raw);
  if (size > maxBytes) {
    return failure(
      MessageDecodeErrorCode.TooLarge,
      `message is larger than the limit of ${maxBytes} bytes`,
      { context: { maxBytes } },
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (cause) {
    return failure(
      MessageDecodeErrorCode.Undecodable,
      `message is not valid JSON: ${errorMessage(cause)}`,
      { cause },
    );
  }
  if (!isRecord(parsed)) {
    return failure(
      MessageDecodeErrorCode.Undecodable,
      `message is not a JSON object (got ${describeJson(parsed)})`,
    );
  }
  const context = readableIds(parsed);
  const issue = jsonStructureIssue(parsed);
  if (issue !== null) {
    return failure(MessageDecodeErrorCode.Invalid, `message is invalid:\n${issue}`, {
      context,
      issues: [issue],
    });
  }
  return { ok: true, value: parsed, context };
}

function failure(
  code: MessageDecodeErrorCode,
  message: string,
  options: MessageDecodeErrorOptions = {},
): JsonObjectParseResult {
  return { ok: false, error: new MessageDecodeError(code, message, options) };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeJson(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  return `a ${typeof value}`;
}
