import { z } from 'zod';
import { type CommandEnvelope, commandEnvelopeSchema } from './command-envelope';
import { type ReplyEnvelope, replyEnvelopeSchema } from './reply-envelope';

/**
 * Every message Sagaflow sends over Kafka: a command (or compensation) to a participant,
 * or a participant's reply. Discriminated by `kind`; replies further by `outcome`.
 */
export type Envelope = CommandEnvelope | ReplyEnvelope;

/** The `kind` of an {@link Envelope}. */
export type EnvelopeKind = Envelope['kind'];

/** Schema of {@link Envelope}. Unknown fields are ignored and dropped. */
export const envelopeSchema = z.discriminatedUnion('kind', [
  commandEnvelopeSchema,
  replyEnvelopeSchema,
]) satisfies z.ZodType<Envelope>;

/** True for a command or compensation. */
export function isCommandEnvelope(envelope: Envelope): envelope is CommandEnvelope {
  return envelope.kind !== 'reply';
}

/** True for a reply. */
export function isReplyEnvelope(envelope: Envelope): envelope is ReplyEnvelope {
  return envelope.kind === 'reply';
}
