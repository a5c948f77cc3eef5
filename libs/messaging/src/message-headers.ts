import { type Envelope } from './envelope';

/**
 * Kafka record headers Sagaflow sets on every message it produces, so that consumers can
 * route, count and dead-letter a record without decoding its value.
 */
export const MessageHeader = {
  MessageId: 'sagaflow-message-id',
  /** `command`, `compensation` or `reply`. */
  Kind: 'sagaflow-kind',
  MessageType: 'sagaflow-message-type',
  SagaId: 'sagaflow-saga-id',
  SchemaVersion: 'sagaflow-schema-version',
  Source: 'sagaflow-source',
} as const;

/** One of the {@link MessageHeader} names. */
export type MessageHeaderName = (typeof MessageHeader)[keyof typeof MessageHeader];

/** Every {@link MessageHeader} name. */
export const MESSAGE_HEADER_NAMES: readonly MessageHeaderName[] = Object.values(MessageHeader);

/**
 * The Kafka record headers of an envelope: its free-form `headers` (trace ids propagate to
 * tools that read record headers) and the Sagaflow headers, which win over a free-form
 * header of the same name.
 *
 * @example
 * ```ts
 * const headers = envelopeHeaders(envelope);
 * headers[MessageHeader.SagaId]; // the saga id, readable without decoding the value
 * ```
 */
export function envelopeHeaders(envelope: Envelope): Record<string, string> {
  return {
    ...envelope.headers,
    [MessageHeader.MessageId]: envelope.messageId,
    [MessageHeader.Kind]: envelope.kind,
    [MessageHeader.MessageType]: envelope.messageType,
    [MessageHeader.SagaId]: envelope.sagaId,
    [MessageHeader.SchemaVersion]: String(envelope.schemaVersion),
    [MessageHeader.Source]: envelope.source,
  };
}
