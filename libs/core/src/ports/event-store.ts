import { type SagaEvent } from '../model/saga-event';
import { type SagaState } from '../model/saga-state';
import { type OutboxMessage } from './outbox';

/** An event as stored: its position in the saga's stream and when it was recorded. */
export interface StoredSagaEvent {
  readonly sagaId: string;
  /** 1-based position in the stream; `(sagaId, seq)` is unique. */
  readonly seq: number;
  readonly event: SagaEvent;
  /** When the store accepted it, ISO-8601 UTC. */
  readonly recordedAt: string;
}

/** Everything one decision writes, atomically. */
export interface AppendRequest {
  readonly sagaId: string;
  /**
   * How many events the writer saw in the stream (0 for a new saga). The append fails
   * with a `ConcurrencyError` if the stream has a different length: the optimistic lock
   * that keeps two orchestrators from both advancing one saga.
   */
  readonly expectedVersion: number;
  /** The new events, in order; they get seq `expectedVersion + 1 …`. Never empty. */
  readonly events: readonly SagaEvent[];
  /** The saga's state after the events: the store keeps it as the listing projection. */
  readonly state: SagaState;
  /** Messages to publish, written in the same transaction (the transactional outbox). */
  readonly outbox: readonly OutboxMessage[];
  /**
   * The EventProcess record of the message that caused this decision, marked
   * DONE in the same transaction, so a crash cannot leave it processed-but-not-done.
   */
  readonly processed?: { readonly consumer: string; readonly messageId: string };
}

/**
 * The event store: one append-only stream of {@link SagaEvent}s per saga.
 *
 * Contract (checked by `eventStoreContract` in `@sagaflow/core/testing`):
 * - `append` writes events, state projection, outbox messages and the `processed` mark in
 *   one transaction — all or nothing;
 * - `append` with a stale `expectedVersion` throws `ConcurrencyError` and writes nothing;
 * - a first append (`expectedVersion` 0) whose state has a business key already owned by
 *   another saga of the same type throws `DuplicateBusinessKeyError` and writes nothing;
 * - `readStream` returns the events in seq order, exactly as appended; with a range, those
 *   with `seq > afterSeq`, at most `limit`;
 * - `appendBatch` writes several appends in one transaction, all or nothing: one stale
 *   `expectedVersion` anywhere throws `ConcurrencyError` and writes nothing.
 */
/** A page of a stream: the events after `afterSeq`, at most `limit`. */
export interface StreamRange {
  /** @defaultValue `0`: from the first event */
  readonly afterSeq?: number;
  /** @defaultValue no limit */
  readonly limit?: number;
}

export interface EventStore {
  append(request: AppendRequest): Promise<void>;
  /**
   * Writes the decisions of a consumed batch together: every request as {@link append}
   * would, in one transaction. Requests of one saga follow each other in the array, each at
   * the version the previous one leaves. Only sagas that exist (`expectedVersion` ≥ 1): a
   * saga starts with `append`, which also claims its business key.
   */
  appendBatch(requests: readonly AppendRequest[]): Promise<void>;
  /**
   * The saga's events in order; empty if the saga does not exist. With a range, only the
   * events after `afterSeq`, at most `limit` of them (a page of a long history).
   */
  readStream(sagaId: string, range?: StreamRange): Promise<readonly StoredSagaEvent[]>;
  /** The id of the saga of that type owning the business key, or null. */
  findByBusinessKey(sagaType: string, businessKey: string): Promise<string | null>;
  /** The stored projection of the saga (its state after the last append), or null. */
  loadState(sagaId: string): Promise<SagaState | null>;
}
