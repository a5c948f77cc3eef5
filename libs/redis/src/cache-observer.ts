import { type RedisCacheError } from './errors';

/** Which cache an observation is about. */
export type CacheName = 'saga-state' | 'event-process';

/**
 * Hooks for metrics (`sagaflow_cache_hits_total`, `…_misses_total`, `…_errors_total`,
 * duplicates discarded). Every hook is optional; a hook that throws is logged and changes
 * nothing.
 */
export interface CacheObserver {
  /** After a lookup: how many keys were found and how many were not. */
  onLookup?(observation: {
    readonly cache: CacheName;
    readonly hits: number;
    readonly misses: number;
  }): void;
  /**
   * A Redis failure that was absorbed (the operation carried on as a miss). Failures the
   * cache throws to its caller are not reported here: the caller counts them.
   */
  onCacheError?(observation: {
    readonly cache: CacheName;
    readonly operation: string;
    readonly error: RedisCacheError;
  }): void;
  /** Messages `CachedEventProcessStore.receive` dropped as duplicates without asking the inner EventProcess table. */
  onDuplicatesDropped?(observation: { readonly consumer: string; readonly count: number }): void;
}
