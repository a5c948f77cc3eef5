/**
 * A message that could not be processed (undecodable, invalid, of an unknown type), kept
 * with its reason so an operator can inspect and replay it. Field names match the
 * dead-letter topic's record in `@sagaflow/messaging`.
 */
export interface DeadLetter {
  /** The consumer that gave up on it. */
  readonly consumer: string;
  readonly sourceTopic: string;
  readonly partition: number;
  /** Kafka offset, as a decimal string (offsets exceed 2^53). */
  readonly offset: string;
  readonly key: string | null;
  /** The raw value as text; null for a tombstone. */
  readonly value: string | null;
  /** True when `value` was cut to keep the record small. */
  readonly valueTruncated: boolean;
  readonly headers: Readonly<Record<string, string>>;
  readonly reason: { readonly code: string; readonly message: string };
  /** Ids read from the message or its headers, when they could be. */
  readonly messageId: string | null;
  readonly sagaId: string | null;
  /** ISO-8601 UTC. */
  readonly failedAt: string;
}

/** A dead letter as stored. */
export interface StoredDeadLetter extends DeadLetter {
  readonly id: string;
  readonly replayedAt: string | null;
  readonly replayedBy: string | null;
  /** Why the operator replayed it last; null when never replayed, or replayed without one. */
  readonly replayReason: string | null;
}

/** Filters for {@link DeadLetterStore.list}; newest first. */
export interface DeadLetterQuery {
  readonly limit: number;
  /** Only entries with an id lower than this (keyset pagination). */
  readonly beforeId?: string;
  readonly reasonCode?: string;
  readonly sourceTopic?: string;
  readonly replayed?: boolean;
  /** Only the dead letters of this saga (those whose saga could be read). */
  readonly sagaId?: string;
}

/**
 * The dead-letter table.
 *
 * Contract: `record` is idempotent per `(consumer, sourceTopic, partition, offset)` —
 * re-consuming the same record after a crash returns the existing entry with
 * `created: false`; `markReplayed` stamps who replayed it, when and why (each replay
 * restamps it).
 */
export interface DeadLetterStore {
  record(deadLetter: DeadLetter): Promise<{ readonly id: string; readonly created: boolean }>;
  get(id: string): Promise<StoredDeadLetter | null>;
  list(query: DeadLetterQuery): Promise<readonly StoredDeadLetter[]>;
  /** Stamps the last replay: `reason` left out stores none. */
  markReplayed(id: string, actor: string, at: Date, reason?: string): Promise<void>;
}
