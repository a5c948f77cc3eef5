/**
 * @packageDocumentation
 * ioredis cache of EventProcess and saga state, reconciliation.
 */
export * from './create-redis';
