/**
 * @packageDocumentation
 * The ioredis caches of the orchestrator and the participant SDK (and of a runtime wired by
 * hand): saga state and EventProcess statuses in front of MySQL, and the reconciliation
 * that repairs them. Redis is an optimisation only: MySQL stays the source of truth.
 *
 * Entry points: {@link createRedis} (with {@link redisSecurity}) and {@link closeRedis},
 * {@link RedisSagaStateCache}, {@link RedisEventProcessCache} behind a
 * {@link CachedEventProcessStore}, and {@link Reconciler}.
 */
export { createRedis, type RedisOptions } from './create-redis';
export {
  redisSecurity,
  type RedisSecurityOptions,
  type RedisSecuritySettings,
} from './redis-security';
export { closeRedis } from './close-redis';
export { ReconciliationError, RedisCacheError } from './errors';
export type { CacheObserver } from './cache-observer';
export { RedisSagaStateCache, type RedisSagaStateCacheOptions } from './redis-saga-state-cache';
export {
  RedisEventProcessCache,
  type RedisEventProcessCacheOptions,
} from './redis-event-process-cache';
export {
  CachedEventProcessStore,
  type CachedEventProcessStoreOptions,
} from './cached-event-process-store';
export type { EventProcessSource, SagaStateSource } from './reconciliation-sources';
export {
  type ReconciliationReport,
  Reconciler,
  type ReconcilerObserver,
  type ReconcilerOptions,
} from './reconciler';
