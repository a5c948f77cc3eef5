/**
 * @packageDocumentation
 * The kafkajs adapter of the orchestrator and the participant SDK (and of a runtime wired
 * by hand): the client, topic set-up and consumer lag, the publishers behind the outbox
 * relay, the EventProcess consumer with its dead-letter routing, and dead-letter replay.
 *
 * Entry points: {@link createKafka} (with {@link kafkaSecurity}), {@link ensureTopics},
 * {@link readConsumerLag}, {@link createRelayPublisher} ({@link IdempotentPublisher} or
 * {@link TransactionalPublisher}), {@link OutboxRelay}, {@link EventProcessConsumer} with
 * {@link acceptOnly}, {@link replayDeadLetter} and {@link retryWithBackoff}.
 */
export { createKafka, type KafkaOptions } from './create-kafka';
export { kafkaSecurity, type KafkaSecuritySettings } from './kafka-security';
export { ensureTopics, type EnsureTopicsOptions } from './ensure-topics';
export { type ConsumerGroupTopics, readConsumerLag } from './consumer-lag';
export type { KafkaRecord, RecordSender } from './kafka-record';
export type { OutboxPublisher } from './outbox-publisher';
export { retryWithBackoff, type RetryWithBackoffOptions } from './backoff';
export { ProducerFencedError } from './errors';
export { IdempotentPublisher, type IdempotentPublisherOptions } from './idempotent-publisher';
export {
  createRelayPublisher,
  type RelayPublisher,
  type RelayPublisherOptions,
} from './relay-publisher';
export {
  TransactionalPublisher,
  type TransactionalPublisherOptions,
} from './transactional-publisher';
export { OutboxRelay, type OutboxRelayObserver, type OutboxRelayOptions } from './outbox-relay';
export { type AcceptEnvelope, acceptOnly, type AcceptRules } from './accept-decision';
export type { ConsumedMessage } from './consumed-message';
export {
  EventProcessConsumer,
  type EventProcessConsumerObserver,
  type EventProcessConsumerOptions,
} from './event-process-consumer';
export { replayDeadLetter } from './replay-dead-letter';
