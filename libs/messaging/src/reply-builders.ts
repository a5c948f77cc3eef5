import { type JsonObject, type ReplyFailure } from '@sagaflow/core';
import { type CommandEnvelope } from './command-envelope';
import { ENVELOPE_SCHEMA_VERSION } from './envelope-base';
import { isoTimestamp } from './envelope-fields';
import { type FailureReplyEnvelope, type SuccessReplyEnvelope } from './reply-envelope';

/**
 * The id of the reply to a command: `<commandMessageId>.r`. Deterministic on purpose: a
 * participant that answers a redelivered command again produces the same reply id, and
 * the orchestrator's EventProcess table discards the duplicate.
 *
 * @example
 * ```ts
 * replyMessageId('s-42.reserve-credit.f.1'); // 's-42.reserve-credit.f.1.r'
 * ```
 */
export function replyMessageId(commandMessageId: string): string {
  return `${commandMessageId}.r`;
}

/** What a participant adds to the command when it builds its reply. */
export interface ReplyMeta {
  /**
   * The reply's message id.
   *
   * @defaultValue `replyMessageId(command.messageId)` — deterministic, so a re-sent
   * reply is a duplicate the orchestrator discards.
   */
  readonly messageId?: string;
  /** The replying service, e.g. `payment-service`. */
  readonly source: string;
  /** When the reply was produced. */
  readonly occurredAt: Date;
  /**
   * Free-form metadata, merged over the command's `headers` (which the reply inherits, so
   * trace ids follow the saga).
   *
   * @defaultValue `{}`
   */
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * The success reply to a command: same saga, step, attempt and message type; caused by
 * the command; `payload` is the participant's result.
 *
 * @throws {@link MessageEncodeError} when `meta.occurredAt` is an invalid date.
 *
 * @example
 * ```ts
 * const reply = successReply(command, { reservationId }, { source: 'payment-service', occurredAt: now });
 * ```
 */
export function successReply(
  command: CommandEnvelope,
  payload: JsonObject,
  meta: ReplyMeta,
): SuccessReplyEnvelope {
  return { ...replyBase(command, meta), payload, outcome: 'success' };
}

/**
 * The failure reply to a command: `business` when the participant refused (leads to
 * compensation), `technical` when it could not process it (retried per the step's policy).
 * The payload is empty.
 *
 * @throws {@link MessageEncodeError} when `meta.occurredAt` is an invalid date.
 *
 * @example
 * ```ts
 * const reply = failureReply(
 *   command,
 *   { kind: 'business', code: 'CREDIT_LIMIT_EXCEEDED', message: 'limit is 100' },
 *   { source: 'payment-service', occurredAt: now },
 * );
 * ```
 */
export function failureReply(
  command: CommandEnvelope,
  failure: ReplyFailure,
  meta: ReplyMeta,
): FailureReplyEnvelope {
  return {
    ...replyBase(command, meta),
    payload: {},
    outcome: 'failure',
    failure: { kind: failure.kind, code: failure.code, message: failure.message },
  };
}

function replyBase(command: CommandEnvelope, meta: ReplyMeta) {
  return {
    schemaVersion: ENVELOPE_SCHEMA_VERSION,
    messageId: meta.messageId ?? replyMessageId(command.messageId),
    kind: 'reply',
    messageType: command.messageType,
    sagaId: command.sagaId,
    sagaType: command.sagaType,
    sagaVersion: command.sagaVersion,
    step: command.step,
    attempt: command.attempt,
    correlationId: command.correlationId,
    causationId: command.messageId,
    occurredAt: isoTimestamp(meta.occurredAt, 'occurredAt'),
    source: meta.source,
    headers: { ...command.headers, ...meta.headers },
    replyTo: { messageId: command.messageId, kind: command.kind },
  } as const;
}
