/**
 * @packageDocumentation
 * kafkajs adapter: admin, idempotent/transactional producer, manually committed consumers, dead-letter routing.
 */
export * from './create-kafka';
export * from './ensure-topics';
