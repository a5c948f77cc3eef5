import { type SagaCommand } from '@sagaflow/core';
import { type CommandEnvelope } from './command-envelope';
import { ENVELOPE_SCHEMA_VERSION } from './envelope-base';
import { isoTimestamp } from './envelope-fields';

/** What {@link commandToEnvelope} needs besides the command. */
export interface CommandEnvelopeMeta {
  /** The producing service, e.g. `orchestrator`. */
  readonly source: string;
  /** When the command was produced (the decision's `now`). */
  readonly occurredAt: Date;
  /**
   * Free-form metadata (trace ids) for the envelope's `headers`.
   *
   * @defaultValue `{}`
   */
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * The envelope that carries a command: `kind` is `command` for a forward step and
 * `compensation` for an undo; the correlation id is the saga id; a command has no
 * causation id (the decision that produced it is in the event store, not a message).
 * Deterministic: the same command and meta give the same envelope.
 *
 * @throws {@link MessageEncodeError} when `meta.occurredAt` is an invalid date.
 *
 * @example
 * ```ts
 * const envelope = commandToEnvelope(command, { source: 'orchestrator', occurredAt: now });
 * ```
 */
export function commandToEnvelope(
  command: SagaCommand,
  meta: CommandEnvelopeMeta,
): CommandEnvelope {
  return {
    schemaVersion: ENVELOPE_SCHEMA_VERSION,
    messageId: command.messageId,
    kind: command.direction === 'forward' ? 'command' : 'compensation',
    messageType: command.command,
    sagaId: command.sagaId,
    sagaType: command.sagaType,
    sagaVersion: command.sagaVersion,
    step: command.step,
    attempt: command.attempt,
    correlationId: command.sagaId,
    causationId: null,
    occurredAt: isoTimestamp(meta.occurredAt, 'occurredAt'),
    source: meta.source,
    headers: meta.headers ?? {},
    payload: command.payload,
    participant: command.participant,
  };
}
