/**
 * @packageDocumentation
 * What Sagaflow puts on Kafka: the message envelope, record headers, topic names, the
 * validating codec, the dead-letter record, and the mappings between the core model
 * (commands, reply inputs, outbox messages) and envelopes. Used by the Kafka adapter, the
 * orchestrator and the participant SDK. Pure: no I/O, no clock, no randomness.
 *
 * Entry points: {@link createTopicNames}, {@link createCommandEncoder},
 * {@link encodeEnvelope} / {@link decodeCommand} / {@link decodeReply},
 * {@link successReply} / {@link failureReply} with {@link replyToOutboxMessage},
 * {@link replyToInput}, {@link createDeadLetterRecord} with {@link encodeDeadLetter} and
 * {@link toDeadLetter}.
 */
export { type CommandEnvelope, commandDirection } from './command-envelope';
export type { ReplyEnvelope } from './reply-envelope';
export { type Envelope, type EnvelopeKind, isCommandEnvelope, isReplyEnvelope } from './envelope';
export { isMessagingId } from './envelope-fields';
export { type CodecOptions, resolveCodecOptions } from './codec-options';
export {
  decodeCommand,
  decodeEnvelope,
  type DecodeResult,
  decodeReply,
  encodeEnvelope,
} from './envelope-codec';
export { MessageDecodeError, MessageDecodeErrorCode, MessageEncodeError } from './errors';
export { envelopeHeaders, MessageHeader } from './message-headers';
export { createTopicNames, type TopicNames, type TopicNamesOptions } from './topic-names';
export { type CommandEnvelopeMeta, commandToEnvelope } from './command-to-envelope';
export { type CommandEncoderOptions, createCommandEncoder } from './command-encoder';
export { failureReply, replyMessageId, type ReplyMeta, successReply } from './reply-builders';
export { replyToOutboxMessage } from './reply-to-outbox-message';
export { replyToInput } from './reply-to-input';
export type { DeadLetterRecord } from './dead-letter-record';
export { decodeDeadLetter, encodeDeadLetter } from './dead-letter-codec';
export {
  createDeadLetterRecord,
  type DeadLetterInput,
  type DeadLetterOptions,
  toDeadLetter,
} from './create-dead-letter-record';
