import { type OutboxMessage } from '@sagaflow/core';
import { type CodecOptions } from './codec-options';
import { encodeEnvelope } from './envelope-codec';
import { envelopeHeaders } from './message-headers';
import { type ReplyEnvelope } from './reply-envelope';
import { type TopicNames } from './topic-names';

/**
 * The outbox message that carries a reply: on the replies topic, keyed by saga id, with
 * the Sagaflow headers and the encoded envelope. A participant writes it in the same
 * transaction as its business change.
 *
 * @throws {@link MessageEncodeError} when the reply cannot be encoded (invalid, or larger
 * than `options.maxBytes`).
 *
 * @example
 * ```ts
 * const row = replyToOutboxMessage(successReply(command, result, meta), topics);
 * ```
 */
export function replyToOutboxMessage(
  reply: ReplyEnvelope,
  topics: TopicNames,
  options?: CodecOptions,
): OutboxMessage {
  return {
    id: reply.messageId,
    topic: topics.replies,
    key: reply.sagaId,
    headers: envelopeHeaders(reply),
    value: encodeEnvelope(reply, options),
  };
}
