import { type Direction } from '@sagaflow/core';
import { type CommandKind } from './command-envelope';

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
