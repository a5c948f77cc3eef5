/**
 * @packageDocumentation
 * Message envelope, headers, topic names, codec and schema validation, and the mappings
 * between the core model (commands, reply inputs, outbox messages) and envelopes. Pure:
 * no I/O, no clock, no randomness.
 */
export {
  ENVELOPE_SCHEMA_VERSION,
  SUPPORTED_ENVELOPE_SCHEMA_VERSIONS,
  type EnvelopeBase,
} from './envelope-base';
export * from './command-envelope';
export * from './reply-envelope';
export * from './envelope';
export {
  ID_PATTERN,
  MAX_ID_LENGTH,
  MAX_NAME_LENGTH,
  isMessagingId,
  jsonObjectSchema,
  jsonValueSchema,
} from './envelope-fields';
export { MAX_JSON_DEPTH } from './json-structure';
export * from './codec-options';
export * from './envelope-codec';
export * from './errors';
export * from './message-headers';
export * from './topic-names';
export * from './command-to-envelope';
export * from './command-direction';
export * from './command-encoder';
export * from './reply-message-id';
export * from './reply-builders';
export * from './reply-to-outbox-message';
export * from './reply-to-input';
export * from './dead-letter-record';
export * from './dead-letter-codec';
export * from './create-dead-letter-record';
export * from './to-dead-letter';
