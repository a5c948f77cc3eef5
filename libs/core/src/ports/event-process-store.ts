/** Life-cycle of an EventProcess record. */
export type EventProcessStatus = 'RECEIVED' | 'PROCESSING' | 'DONE' | 'FAILED';

/** Which EventProcess record: its primary key `(consumer, messageId)`. */
export interface EventProcessRef {
  /** The consumer that received the message (a service's consumer name). */
  readonly consumer: string;
  /** The envelope's message id. */
  readonly messageId: string;
}

/** A consumed message, recorded before its offset is committed. */
export interface EventProcessMessage extends EventProcessRef {
  readonly sagaId: string;
  /** The envelope's message type, e.g. `ReserveCredit` or `reply`. */
  readonly messageType: string;
  /** The raw encoded envelope: after the offset commit this row is the only copy. */
  readonly payload: string;
}

/** An EventProcess record. */
export interface EventProcessRecord extends EventProcessMessage {
  readonly status: EventProcessStatus;
  /** How many times processing was started. */
  readonly attempts: number;
  readonly lastError: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/**
 * What {@link EventProcessStore.receive} did with a batch: the messages given, split — the same
 * objects, so what a caller carried along with them (a decoded envelope) stays at hand.
 */
export interface ReceiveResult<M extends EventProcessMessage = EventProcessMessage> {
  /** New messages, now RECEIVED. */
  readonly accepted: readonly M[];
  /** Messages already recorded (primary-key conflict): discarded. */
  readonly duplicates: readonly M[];
}

/**
 * The EventProcess table: duplicates are discarded by a primary-key conflict on
 * `(consumer, messageId)`.
 *
 * Contract (checked by `eventProcessStoreContract` in `@sagaflow/core/testing`):
 * - `receive` records every new message as RECEIVED and reports the rest as duplicates,
 *   including duplicates within the same batch; MySQL decides, never a cache;
 * - `claim` moves RECEIVED (or PROCESSING whose lease expired, or FAILED when retrying)
 *   to PROCESSING, adds one attempt and returns the record; it returns null when the
 *   record is DONE, leased by someone else, or missing;
 * - `complete` marks DONE, `fail` marks FAILED with the error; both are idempotent;
 * - `findStale` lists RECEIVED and PROCESSING records not updated since `olderThan`.
 */
export interface EventProcessStore {
  receive<M extends EventProcessMessage>(messages: readonly M[]): Promise<ReceiveResult<M>>;
  get(consumer: string, messageId: string): Promise<EventProcessRecord | null>;
  claim(
    consumer: string,
    messageId: string,
    leaseExpiredBefore: Date,
  ): Promise<EventProcessRecord | null>;
  complete(consumer: string, messageId: string): Promise<void>;
  fail(consumer: string, messageId: string, error: string): Promise<void>;
  findStale(olderThan: Date, limit: number): Promise<readonly EventProcessRecord[]>;
}
