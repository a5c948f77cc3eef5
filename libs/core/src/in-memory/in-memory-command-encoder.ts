import { InvalidArgumentError } from '../errors/errors';
import { type SagaCommand } from '../model/saga-command';
import { type CommandEncoder } from '../ports/command-encoder';
import { type OutboxMessage } from '../ports/outbox';

/** A command as {@link InMemoryCommandEncoder.decode} gives it back. */
export interface DecodedCommand {
  readonly command: SagaCommand;
  /** The decision time the command was encoded with, ISO-8601 UTC. */
  readonly occurredAt: string;
}

/**
 * The in-memory runtime's {@link CommandEncoder}: the outbox message carries the command
 * as JSON on topic `<participant>.commands`, keyed by saga id. (`@sagaflow/messaging`
 * provides the real envelope for Kafka.)
 *
 * @example
 * ```ts
 * const encoder = new InMemoryCommandEncoder();
 * const message = encoder.encode(command, now);
 * encoder.decode(message).command; // equal to command
 * ```
 */
export class InMemoryCommandEncoder implements CommandEncoder {
  encode(command: SagaCommand, occurredAt: Date): OutboxMessage {
    return {
      id: command.messageId,
      topic: `${command.participant}.commands`,
      key: command.sagaId,
      headers: {
        'saga-id': command.sagaId,
        'saga-type': command.sagaType,
        step: command.step,
        direction: command.direction,
        attempt: String(command.attempt),
      },
      value: JSON.stringify({ command, occurredAt: occurredAt.toISOString() }),
    };
  }

  /** The command an {@link encode}d message carries; throws on anything else. */
  decode(message: Pick<OutboxMessage, 'value'>): DecodedCommand {
    let parsed: unknown;
    try {
      parsed = JSON.parse(message.value);
    } catch (error: unknown) {
      throw new InvalidArgumentError('message value', message.value, 'must be JSON', {
        cause: error,
      });
    }
    if (!isDecodedCommand(parsed)) {
      throw new InvalidArgumentError(
        'message value',
        message.value,
        'must hold a command encoded by InMemoryCommandEncoder',
      );
    }
    return parsed;
  }
}

function isDecodedCommand(value: unknown): value is DecodedCommand {
  if (!isRecord(value) || typeof value.occurredAt !== 'string') return false;
  const command = value.command;
  if (!isRecord(command)) return false;
  const strings = ['messageId', 'sagaId', 'sagaType', 'step', 'participant', 'command'];
  return (
    strings.every((field) => typeof command[field] === 'string') &&
    typeof command.sagaVersion === 'number' &&
    typeof command.attempt === 'number' &&
    (command.direction === 'forward' || command.direction === 'compensation') &&
    isRecord(command.payload)
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
