import { type ErrorContext, formatIssues } from '@sagaflow/core';
import { type z } from 'zod';
import { type CodecOptions, resolveCodecOptions } from './codec-options';
import { type CommandEnvelope } from './command-envelope';
import { type Envelope, envelopeSchema, isCommandEnvelope, isReplyEnvelope } from './envelope';
import { SUPPORTED_ENVELOPE_SCHEMA_VERSIONS } from './envelope-base';
import { MessageDecodeError, MessageDecodeErrorCode, MessageEncodeError } from './errors';
import { jsonStructureIssue } from './json-structure';
import { parseJsonObject } from './parse-json-object';
import { readableIds } from './readable-ids';
import { type ReplyEnvelope } from './reply-envelope';
import { utf8ByteLength } from './utf8-byte-length';

/**
 * The outcome of decoding a message: the envelope, or the reason it belongs in the dead
 * letters. Decoding never throws for bad input.
 */
export type DecodeResult<E extends Envelope = Envelope> =
  | { readonly ok: true; readonly envelope: E }
  | { readonly ok: false; readonly error: MessageDecodeError };

/**
 * Encodes an envelope as JSON, after validating it against its schema: a message no
 * consumer could decode is refused here, on the producing side, instead of ending up in
 * the dead letters. Fields are written in a fixed order, so the same envelope always gives
 * the same text.
 *
 * @throws {@link MessageEncodeError} when the envelope is invalid or its encoding is
 * larger than `options.maxBytes`.
 * @throws `InvalidArgumentError` (`OPTIONS_INVALID`) when `options` are invalid.
 *
 * @example
 * ```ts
 * const value = encodeEnvelope(commandToEnvelope(command, { source: 'orchestrator', occurredAt }));
 * ```
 */
export function encodeEnvelope(envelope: Envelope, options?: CodecOptions): string {
  const { maxBytes } = resolveCodecOptions(options);
  const context = readableIds(envelope);
  const issue = jsonStructureIssue(envelope);
  if (issue !== null) {
    throw new MessageEncodeError(`message is invalid:\n${issue}`, context, [issue]);
  }
  const parsed = envelopeSchema.safeParse(envelope);
  if (!parsed.success) {
    const issues = formatIssues(parsed.error.issues);
    throw new MessageEncodeError(`message is invalid:\n${issues.join('\n')}`, context, issues);
  }
  const text = JSON.stringify(parsed.data);
  const size = utf8ByteLength(text);
  if (size > maxBytes) {
    throw new MessageEncodeError(
      `message is ${size} bytes, larger than the limit of ${maxBytes} bytes`,
      { ...context, size, maxBytes },
    );
  }
  return text;
}

/**
 * Decodes and validates a consumed message. Never throws for bad input: the result says
 * why the message is unusable, with a stable code (`MESSAGE_UNDECODABLE`,
 * `MESSAGE_INVALID`, `MESSAGE_SCHEMA_UNSUPPORTED`, `MESSAGE_TOO_LARGE`) and whatever ids
 * could be read.
 *
 * @throws `InvalidArgumentError` (`OPTIONS_INVALID`) only when `options` are invalid.
 *
 * @example
 * ```ts
 * const decoded = decodeEnvelope(record.value.toString('utf8'));
 * if (!decoded.ok) return deadLetter(record, decoded.error);
 * handle(decoded.envelope);
 * ```
 */
export function decodeEnvelope(raw: string, options?: CodecOptions): DecodeResult {
  return decodeWith(raw, options, isEnvelope, '');
}

/**
 * Like {@link decodeEnvelope}, and the message must be a command or a compensation (what
 * a participant consumes); a reply is `MESSAGE_INVALID`.
 */
export function decodeCommand(raw: string, options?: CodecOptions): DecodeResult<CommandEnvelope> {
  return decodeWith(raw, options, isCommandEnvelope, "'command' or 'compensation'");
}

/**
 * Like {@link decodeEnvelope}, and the message must be a reply (what the orchestrator
 * consumes); a command or compensation is `MESSAGE_INVALID`.
 */
export function decodeReply(raw: string, options?: CodecOptions): DecodeResult<ReplyEnvelope> {
  return decodeWith(raw, options, isReplyEnvelope, "'reply'");
}

function isEnvelope(_envelope: Envelope): _envelope is Envelope {
  return true;
}

function decodeWith<E extends Envelope>(
  raw: string,
  options: CodecOptions | undefined,
  accepts: (envelope: Envelope) => envelope is E,
  expectedKind: string,
): DecodeResult<E> {
  const { maxBytes } = resolveCodecOptions(options);
  const json = parseJsonObject(raw, maxBytes);
  if (!json.ok) return json;
  const { value, context } = json;
  const version = value.schemaVersion;
  if (
    typeof version === 'number' &&
    Number.isInteger(version) &&
    !SUPPORTED_ENVELOPE_SCHEMA_VERSIONS.includes(version)
  ) {
    return invalid(
      MessageDecodeErrorCode.SchemaUnsupported,
      `message schema version ${version} is not supported (supported: ${SUPPORTED_ENVELOPE_SCHEMA_VERSIONS.join(', ')})`,
      context,
    );
  }
  const parsed = envelopeSchema.safeParse(value);
  if (!parsed.success) return invalidSchema(parsed.error.issues, context);
  const envelope: Envelope = parsed.data;
  if (!accepts(envelope)) {
    const issue = `kind: expected ${expectedKind}, received '${envelope.kind}'`;
    return invalid(MessageDecodeErrorCode.Invalid, `message is invalid:\n${issue}`, context, [
      issue,
    ]);
  }
  return { ok: true, envelope };
}

function invalidSchema(
  zodIssues: readonly z.core.$ZodIssue[],
  context: ErrorContext,
): { readonly ok: false; readonly error: MessageDecodeError } {
  const issues = formatIssues(zodIssues);
  return invalid(
    MessageDecodeErrorCode.Invalid,
    `message is invalid:\n${issues.join('\n')}`,
    context,
    issues,
  );
}

function invalid(
  code: MessageDecodeErrorCode,
  message: string,
  context: ErrorContext,
  issues: readonly string[] = [],
): { readonly ok: false; readonly error: MessageDecodeError } {
  return { ok: false, error: new MessageDecodeError(code, message, { context, issues }) };
}
