/**
 * @packageDocumentation
 * Message envelope, headers, topic names, codec and schema validation.
 */
export {};
