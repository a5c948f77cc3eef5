/** What one reconciliation pass did; every count is a metric. */
export interface ReconciliationReport {
  /** Cached saga states overwritten with MySQL's, filled in, or deleted. */
  readonly sagaRepairs: number;
  /** Cached EventProcess statuses set to MySQL's, or deleted. */
  readonly eventProcessRepairs: number;
  /** Stale RECEIVED / PROCESSING EventProcess records handed to `requeue`. */
  readonly requeued: number;
  /**
   * Pending timers of idle active sagas handed to `rearm` (scheduling is idempotent per
   * timer id, so timers that still exist are left as they are).
   */
  readonly timersRearmed: number;
  /** Failures of this pass (0 when it succeeded). */
  readonly failures: number;
  readonly durationMs: number;
}
