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
export * from './publish-failed-error';
export * from './producer-fenced-error';
export * from './idempotent-publisher';
export * from './relay-publisher';
export * from './transactional-publisher';
export * from './outbox-relay';
export * from './accept-decision';
export type * from './consumed-message';
export * from './batch-failed-error';
export * from './message-rejected-error';
export * from './consumer-start-error';
export * from './inbox-consumer';
export * from './dead-letter-not-replayable-error';
export * from './replay-dead-letter';
