import { type SagaflowErrorOptions, TransientError } from '@sagaflow/core';

import { type ReconciliationReport } from './reconciler';

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
export class RedisCacheError extends TransientError {
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
    super('REDIS_CACHE_FAILED', message, options);
    this.operation = operation;
    this.reason = options?.reason ?? 'unavailable';
  }
}

/**
 * Part of a reconciliation pass failed (Redis or MySQL unavailable, a requeue or re-arm
 * rejected). The other parts ran: {@link report} counts what was repaired, and `cause` is
 * an `AggregateError` of the failures. Retryable: the next pass tries again.
 */
export class ReconciliationError extends TransientError {
  /** What the pass did before and besides the failures. */
  readonly report: ReconciliationReport;

  constructor(report: ReconciliationReport, failures: number, options?: SagaflowErrorOptions) {
    super('RECONCILIATION_FAILED', `reconciliation pass had ${failures} failure(s)`, options);
    this.report = report;
  }
}
