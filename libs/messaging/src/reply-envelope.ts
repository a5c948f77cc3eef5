import { type ReplyFailure } from '@sagaflow/core';
import { z } from 'zod';
import { type CommandKind } from './command-envelope';
import { type EnvelopeBase, envelopeBaseShape } from './envelope-base';
import { idSchema, nameSchema } from './envelope-fields';

/** The command a reply answers. */
export interface ReplyTo {
  readonly messageId: string;
  readonly kind: CommandKind;
}

/** Fields every reply carries. */
interface ReplyEnvelopeBase extends EnvelopeBase {
  readonly kind: 'reply';
  readonly replyTo: ReplyTo;
}

/** The participant applied the command; `payload` is its result. */
export interface SuccessReplyEnvelope extends ReplyEnvelopeBase {
  readonly outcome: 'success';
}

/** The participant did not apply the command; `failure` says why. */
export interface FailureReplyEnvelope extends ReplyEnvelopeBase {
  readonly outcome: 'failure';
  readonly failure: ReplyFailure;
}

/**
 * A participant's answer to a command, on `<prefix>saga.replies`. Its `messageType`, saga
 * fields, step and attempt are the command's; `causationId` and `replyTo.messageId` are the
 * command's message id.
 *
 * @example
 * ```ts
 * const decoded = decodeReply(raw);
 * if (decoded.ok) apply(replyToInput(decoded.envelope));
 * ```
 */
export type ReplyEnvelope = SuccessReplyEnvelope | FailureReplyEnvelope;

/** Schema of {@link ReplyFailure}. */
const replyFailureSchema = z.object({
  kind: z.enum(['business', 'technical']),
  code: nameSchema,
  message: z.string(),
}) satisfies z.ZodType<ReplyFailure>;

const replyToSchema = z.object({
  messageId: idSchema,
  kind: z.enum(['command', 'compensation']),
});

const replyShape = {
  ...envelopeBaseShape,
  kind: z.literal('reply'),
  replyTo: replyToSchema,
};

/** Schema of {@link ReplyEnvelope}. Unknown fields are ignored and dropped. */
export const replyEnvelopeSchema = z.discriminatedUnion('outcome', [
  z.object({ ...replyShape, outcome: z.literal('success') }),
  z.object({ ...replyShape, outcome: z.literal('failure'), failure: replyFailureSchema }),
]) satisfies z.ZodType<ReplyEnvelope>;
