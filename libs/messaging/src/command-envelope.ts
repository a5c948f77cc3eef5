import { type Direction } from '@sagaflow/core';
import { z } from 'zod';
import { type EnvelopeBase, envelopeBaseShape } from './envelope-base';
import { idSchema } from './envelope-fields';

/** What a command asks: execute a step (`command`) or undo it (`compensation`). */
export type CommandKind = 'command' | 'compensation';

/**
 * A command from the orchestrator to a participant, on `<prefix><participant>.commands`.
 *
 * @example
 * ```ts
 * const decoded = decodeCommand(raw);
 * if (decoded.ok && decoded.envelope.messageType === 'ReserveCredit') {
 *   reserve(decoded.envelope.payload);
 * }
 * ```
 */
export interface CommandEnvelope extends EnvelopeBase {
  readonly kind: CommandKind;
  /** The participant service that handles it, e.g. `payment-service`. */
  readonly participant: string;
}

/** Schema of {@link CommandEnvelope}. Unknown fields are ignored and dropped. */
export const commandEnvelopeSchema = z.object({
  ...envelopeBaseShape,
  kind: z.enum(['command', 'compensation']),
  participant: idSchema,
}) satisfies z.ZodType<CommandEnvelope>;

/**
 * The direction of a command of that kind: `command` executes a step (`forward`),
 * `compensation` undoes one. The inverse of the kind `commandToEnvelope` writes.
 *
 * @example
 * ```ts
 * commandDirection(envelope.kind); // 'forward' for a command envelope
 * commandDirection(reply.replyTo.kind); // the direction of the command a reply answers
 * ```
 */
export function commandDirection(kind: CommandKind): Direction {
  return kind === 'command' ? 'forward' : 'compensation';
}
