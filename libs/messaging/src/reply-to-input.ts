import { type ReplyInput } from '@sagaflow/core';
import { commandDirection } from './command-envelope';
import { type ReplyEnvelope } from './reply-envelope';

/**
 * The decider's input for a decoded reply: correlated by saga id, step, direction (from
 * the answered command's kind) and attempt; `replyId` is the reply's message id.
 *
 * @example
 * ```ts
 * const decoded = decodeReply(raw);
 * if (decoded.ok) decide(definition, state, replyToInput(decoded.envelope), now);
 * ```
 */
export function replyToInput(reply: ReplyEnvelope): ReplyInput {
  const base = {
    type: 'reply',
    replyId: reply.messageId,
    sagaId: reply.sagaId,
    step: reply.step,
    direction: commandDirection(reply.replyTo.kind),
    attempt: reply.attempt,
  } as const;
  return reply.outcome === 'success'
    ? { ...base, outcome: 'success', payload: reply.payload }
    : { ...base, outcome: 'failure', failure: reply.failure };
}
