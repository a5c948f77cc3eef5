import {
  type CommandEnvelope,
  encodeEnvelope,
  envelopeHeaders,
  type ReplyEnvelope,
} from '@sagaflow/messaging';

import { type KafkaRecord } from '../kafka-record';

/** A valid command envelope for saga `sagaId`, attempt 1 of step `reserve-credit`. */
export function command(
  messageId: string,
  sagaId: string,
  messageType = 'ReserveCredit',
): CommandEnvelope {
  return {
    schemaVersion: 1,
    messageId,
    kind: 'command',
    messageType,
    sagaId,
    sagaType: 'place-order',
    sagaVersion: 1,
    step: 'reserve-credit',
    attempt: 1,
    correlationId: sagaId,
    causationId: null,
    occurredAt: '2024-05-01T12:00:00.000Z',
    source: 'orchestrator',
    headers: {},
    payload: { amount: 10 },
    participant: 'payment-service',
  };
}

/** A valid success reply. */
export function reply(messageId: string, sagaId: string): ReplyEnvelope {
  return {
    schemaVersion: 1,
    messageId,
    kind: 'reply',
    messageType: 'ReserveCredit',
    sagaId,
    sagaType: 'place-order',
    sagaVersion: 1,
    step: 'reserve-credit',
    attempt: 1,
    correlationId: sagaId,
    causationId: `${messageId}-cause`,
    occurredAt: '2024-05-01T12:00:01.000Z',
    source: 'payment-service',
    headers: {},
    payload: {},
    replyTo: { messageId: `${messageId}-cause`, kind: 'command' },
    outcome: 'success',
  };
}

/** The Kafka record of an envelope, keyed by its saga id, with the Sagaflow headers. */
export function envelopeRecord(
  topic: string,
  envelope: CommandEnvelope | ReplyEnvelope,
): KafkaRecord {
  return {
    topic,
    key: envelope.sagaId,
    value: encodeEnvelope(envelope),
    headers: envelopeHeaders(envelope),
  };
}
