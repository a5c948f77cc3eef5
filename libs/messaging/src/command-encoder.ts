import {
  checkOptions,
  type CommandEncoder,
  type OutboxMessage,
  type SagaCommand,
} from '@sagaflow/core';
import { resolveCodecOptions } from './codec-options';
import { commandToEnvelope } from './command-to-envelope';
import { envelopeHeaders } from './message-headers';
import { encodeEnvelope } from './envelope-codec';
import { nameSchema } from './envelope-fields';
import { type TopicNames } from './topic-names';

/** Options of {@link createCommandEncoder}. */
export interface CommandEncoderOptions {
  /** Where commands go: `topics.commands(command.participant)`. Required. */
  readonly topics: TopicNames;
  /** The producing service written in every envelope, e.g. `orchestrator`. Required. */
  readonly source: string;
  /**
   * Largest encoded command, in UTF-8 bytes; a larger one is refused with
   * `MessageEncodeError` instead of blocking the outbox relay on a record Kafka rejects.
   *
   * @defaultValue 1048576 (1 MiB)
   */
  readonly maxBytes?: number;
}

/**
 * The {@link CommandEncoder} the orchestrator gives the runtime: each command becomes an
 * outbox message on its participant's command topic, keyed by saga id (one saga's messages
 * stay in one partition, in order), with the Sagaflow headers and the encoded envelope.
 * Deterministic: the same command and time give the same message.
 *
 * @throws `InvalidArgumentError` (`OPTIONS_INVALID`) at construction when `source` or `maxBytes` is
 * invalid; `encode` throws it when the command's participant cannot name a topic, and
 * `MessageEncodeError` when the command cannot be encoded.
 *
 * @example
 * ```ts
 * const encoder = createCommandEncoder({ topics: createTopicNames(), source: 'orchestrator' });
 * const message = encoder.encode(command, now);
 * // message.topic === 'sagaflow.payment-service.commands', message.key === command.sagaId
 * ```
 */
export function createCommandEncoder(options: CommandEncoderOptions): CommandEncoder {
  const { topics, source } = options;
  const codec = resolveCodecOptions(
    options.maxBytes === undefined ? {} : { maxBytes: options.maxBytes },
  );
  checkOptions('createCommandEncoder', [
    [
      'source',
      source,
      nameSchema.safeParse(source).success,
      'a non-empty name without control characters, at most 255 characters',
    ],
  ]);
  return {
    encode(command: SagaCommand, occurredAt: Date): OutboxMessage {
      const topic = topics.commands(command.participant);
      const envelope = commandToEnvelope(command, { source, occurredAt });
      return {
        id: envelope.messageId,
        topic,
        key: envelope.sagaId,
        headers: envelopeHeaders(envelope),
        value: encodeEnvelope(envelope, codec),
      };
    },
  };
}
