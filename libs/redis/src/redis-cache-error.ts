import { SagaflowError, type SagaflowErrorOptions } from '@sagaflow/core';

/**
 * A Redis cache operation failed (connection lost, timeout, unreadable entry). Retryable,
 * and never fatal: the caches are an optimisation, so callers treat it as a miss and fall
 * back to MySQL, the source of truth.
 *
 * @example
 * ```ts
 * try { return await cache.get(sagaId); }
 * catch (e) { if (e instanceof RedisCacheError) return loadFromStore(sagaId); throw e; }
 * ```
 */
export class RedisCacheError extends SagaflowError {
  readonly code = 'REDIS_CACHE_FAILED';
  readonly retryable = true;
  /** The cache operation that failed, e.g. `get` or `set`. */
  readonly operation: string;
  /**
   * `unavailable`: Redis did not answer; `unreadable`: an entry is not what this cache
   * writes (the next write replaces it).
   */
  readonly reason: 'unavailable' | 'unreadable';

  constructor(
    operation: string,
    message: string,
    options?: SagaflowErrorOptions & { readonly reason?: 'unavailable' | 'unreadable' },
  ) {
    super(message, options);
    this.operation = operation;
    this.reason = options?.reason ?? 'unavailable';
  }
}
