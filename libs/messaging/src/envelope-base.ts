import { type JsonObject } from '@sagaflow/core';
import { z } from 'zod';
import {
  headersSchema,
  idSchema,
  jsonObjectSchema,
  nameSchema,
  positiveIntSchema,
  timestampSchema,
} from './envelope-fields';

/**
 * The envelope schema version this library writes and reads. A breaking change to the
 * envelope's shape gets a new version; additive fields do not (readers ignore unknown
 * fields).
 */
export const ENVELOPE_SCHEMA_VERSION = 1;

/** Every schema version {@link decodeEnvelope} accepts. */
export const SUPPORTED_ENVELOPE_SCHEMA_VERSIONS: readonly number[] = [ENVELOPE_SCHEMA_VERSION];

/** Fields every Sagaflow message carries, command or reply. */
export interface EnvelopeBase {
  /** Unique id of this message; consumers deduplicate on it. */
  readonly messageId: string;
  /** The command's name, e.g. `ReserveCredit`; for a reply, the answered command's name. */
  readonly messageType: string;
  readonly sagaId: string;
  /** The saga definition's name. */
  readonly sagaType: string;
  /** The saga definition's version the saga runs on. */
  readonly sagaVersion: number;
  /** The step the message belongs to. */
  readonly step: string;
  /** The attempt of the step (or of its compensation), from 1. */
  readonly attempt: number;
  /** Ties every message of one saga together: the saga id. */
  readonly correlationId: string;
  /** The message that caused this one (for a reply, the command's id), or null. */
  readonly causationId: string | null;
  /** When the message was produced, ISO-8601 UTC. */
  readonly occurredAt: string;
  readonly schemaVersion: typeof ENVELOPE_SCHEMA_VERSION;
  /** The producing service, e.g. `orchestrator` or `payment-service`. */
  readonly source: string;
  /** Free-form string metadata, e.g. trace ids; copied onto Kafka record headers. */
  readonly headers: Readonly<Record<string, string>>;
  readonly payload: JsonObject;
}

/** The zod shape of {@link EnvelopeBase}, spread into each envelope schema. */
export const envelopeBaseShape = {
  schemaVersion: z.literal(ENVELOPE_SCHEMA_VERSION),
  messageId: idSchema,
  messageType: nameSchema,
  sagaId: idSchema,
  sagaType: nameSchema,
  sagaVersion: positiveIntSchema,
  step: nameSchema,
  attempt: positiveIntSchema,
  correlationId: idSchema,
  causationId: idSchema.nullable(),
  occurredAt: timestampSchema,
  source: nameSchema,
  headers: headersSchema,
  payload: jsonObjectSchema,
};
