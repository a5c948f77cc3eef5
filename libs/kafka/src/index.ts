/**
 * @packageDocumentation
 * kafkajs adapter: admin, idempotent/transactional producer, manually committed consumers, dead-letter routing.
 */
export * from './create-kafka';
export * from './kafka-security';
export * from './ensure-topics';
export * from './consumer-lag';
export type * from './kafka-record';
export type * from './outbox-publisher';
export { type BackoffOptions, retryWithBackoff, type RetryWithBackoffOptions } from './backoff';
export * from './errors';
export * from './idempotent-publisher';
export * from './relay-publisher';
export * from './transactional-publisher';
export * from './outbox-relay';
export * from './accept-decision';
export type * from './consumed-message';
export * from './event-process-consumer';
export * from './replay-dead-letter';
