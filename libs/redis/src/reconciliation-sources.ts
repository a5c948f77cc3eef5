import { type EventProcessRecord, type SagaState } from '@sagaflow/core';

/** A saga's id and the version of its state in the source of truth. */
export interface SagaVersion {
  readonly sagaId: string;
  readonly version: number;
}

/**
 * What the {@link Reconciler} reads about sagas from the source of truth (MySQL's
 * `saga_instance` projection in production).
 */
export interface SagaStateSource {
  /** Sagas updated at or after `since`, at most `limit`, newest first. */
  listRecentlyUpdated(since: Date, limit: number): Promise<readonly SagaVersion[]>;
  /** The saga's current state, or null if it does not exist. */
  loadState(sagaId: string): Promise<SagaState | null>;
  /**
   * Active sagas (`RUNNING`, `COMPENSATING`) last updated before `before`, at most
   * `limit`, oldest first.
   */
  listActiveNotUpdatedSince(before: Date, limit: number): Promise<readonly SagaState[]>;
}

/**
 * What the {@link Reconciler} reads about EventProcess records from the source of truth.
 * A MySQL `EventProcessStore` satisfies it as is (never the `CachedEventProcessStore`: the reconciler compares
 * the cache with what is behind it).
 */
export interface EventProcessSource {
  /** RECEIVED and PROCESSING records not updated since `olderThan`, at most `limit`. */
  findStale(olderThan: Date, limit: number): Promise<readonly EventProcessRecord[]>;
  get(consumer: string, messageId: string): Promise<EventProcessRecord | null>;
}
