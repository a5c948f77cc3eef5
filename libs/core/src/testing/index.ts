/**
 * @packageDocumentation
 * Test support with no Kafka, MySQL or Redis: for saga authors, who test a definition's
 * decisions and whole runs, and for adapter authors, who prove a port's implementation.
 *
 * Entry points: {@link createSagaTestKit} (a {@link SagaTestKit}: the real engine on the
 * in-memory adapters, a manual clock, in-memory participants, fault injection);
 * {@link sagaSpec} (given/when/then over `decide`) with its input helpers
 * {@link startInput}, {@link successReply}, {@link failureReply}, {@link timerInput},
 * {@link operatorInput} and {@link redeliveryInput}, and {@link decideAll}; the in-memory
 * adapters ({@link InMemoryEventStore}, {@link InMemoryOutbox},
 * {@link InMemoryEventProcessStore}, {@link InMemoryScheduler}, {@link InMemorySagaStateCache},
 * {@link InMemoryDeadLetterStore}, {@link InMemoryCommandEncoder}) with {@link ManualClock},
 * {@link SequentialIdGenerator} and {@link RecordingLogger}; the ports' contract suites
 * ({@link eventStoreContract}, {@link outboxContract}, {@link eventProcessStoreContract},
 * {@link schedulerContract}, {@link sagaStateCacheContract}, {@link deadLetterStoreContract}).
 */
export { createSagaTestKit, SagaTestKit, type SagaTestKitOptions } from './saga-test-kit';
export type { ParticipantHandlers } from './participant-handler';
export {
  decideAll,
  failureReply,
  operatorInput,
  redeliveryInput,
  sagaSpec,
  SPEC_EPOCH,
  startInput,
  successReply,
  timerInput,
} from './saga-spec';
export { ManualClock } from '../in-memory/manual-clock';
export {
  SequentialIdGenerator,
  type SequentialIdGeneratorOptions,
} from '../in-memory/sequential-id-generator';
export { RecordingLogger } from './recording-logger';
export {
  InMemoryEventStore,
  type InMemoryEventStoreOptions,
} from '../in-memory/in-memory-event-store';
export { InMemoryOutbox, type InMemoryOutboxOptions } from '../in-memory/in-memory-outbox';
export {
  InMemoryEventProcessStore,
  type InMemoryEventProcessStoreOptions,
} from '../in-memory/in-memory-event-process-store';
export { InMemoryScheduler } from '../in-memory/in-memory-scheduler';
export { InMemorySagaStateCache } from '../in-memory/in-memory-saga-state-cache';
export { InMemoryDeadLetterStore } from '../in-memory/in-memory-dead-letter-store';
export { InMemoryCommandEncoder } from '../in-memory/in-memory-command-encoder';
export type { ContractSuiteOptions } from './contract-support';
export { eventStoreContract } from './event-store-contract';
export { outboxContract } from './outbox-contract';
export { eventProcessStoreContract } from './event-process-store-contract';
export {
  schedulerContract,
  type FiredTimer,
  type SchedulerContractOptions,
} from './scheduler-contract';
export { sagaStateCacheContract } from './saga-state-cache-contract';
export { deadLetterStoreContract } from './dead-letter-store-contract';
