/**
 * @packageDocumentation
 * Fakes, contract suites and spec helpers.
 */
export {};
export * from './saga-spec';
export * from './recording-logger';
export * from '../in-memory/manual-clock';
export * from '../in-memory/sequential-id-generator';
export * from '../in-memory/in-memory-outbox';
export * from '../in-memory/in-memory-event-process-store';
export * from '../in-memory/in-memory-event-store';
export * from '../in-memory/in-memory-scheduler';
export * from '../in-memory/in-memory-saga-state-cache';
export * from '../in-memory/in-memory-command-encoder';
export * from '../in-memory/in-memory-dead-letter-store';
export type { ContractFixture, ContractIds, ContractSuiteOptions } from './contract-support';
export * from './event-store-contract';
export * from './outbox-contract';
export * from './event-process-store-contract';
export * from './scheduler-contract';
export * from './saga-state-cache-contract';
export * from './dead-letter-store-contract';
export type * from './participant-handler';
export type { FaultController, InjectedFailure } from './fault-controller';
export * from './seeded-random';
export * from './saga-test-kit';
