/**
 * @packageDocumentation
 * ioredis cache of EventProcess and saga state, reconciliation.
 */
export * from './create-redis';
export * from './redis-security';
export * from './close-redis';
export * from './errors';
export type * from './cache-observer';
export * from './redis-saga-state-cache';
export * from './redis-event-process-cache';
export * from './cached-event-process-store';
export type * from './reconciliation-sources';
export type * from './reconciliation-report';
export * from './reconciler';
