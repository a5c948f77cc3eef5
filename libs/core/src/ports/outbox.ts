/**
 * A message waiting in the transactional outbox. Written in the same transaction as the
 * decision that produced it; published to Kafka by a relay afterwards.
 */
export interface OutboxMessage {
  /** The message's id (the envelope's message id); unique in the outbox. */
  readonly id: string;
  readonly topic: string;
  /** Partition key: the saga id, so one saga's messages stay in order. */
  readonly key: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The encoded envelope. */
  readonly value: string;
}

/** An outbox message as stored, with its insertion order. */
export interface OutboxRecord extends OutboxMessage {
  /** Increasing with insertion: publishing in `seq` order keeps each key's order. */
  readonly seq: number;
  readonly createdAt: string;
}

/**
 * The relay's view of the outbox.
 *
 * Contract (checked by `outboxContract` in `@sagaflow/core/testing`):
 * - `publishBatch` claims up to `limit` unpublished messages in `seq` order, so that no
 *   concurrent relay claims the same ones, calls `publish` with them and marks them
 *   published only if `publish` resolves; if it rejects, they stay unpublished and the
 *   error propagates;
 * - messages of one key are never handed out of order, even to concurrent relays;
 * - returns how many messages were published (0 when none were waiting);
 * - with `createdBefore`, only messages created before it are handed out;
 * - `markPublished` marks the given unpublished messages published (the others are left
 *   alone), so `publishBatch` never hands them out.
 */
export interface Outbox {
  publishBatch(
    limit: number,
    publish: (messages: readonly OutboxRecord[]) => Promise<void>,
    options?: { readonly createdBefore?: Date },
  ): Promise<number>;
  /**
   * Marks messages published that were sent without {@link publishBatch} — right after the
   * commit that wrote them. Returns how many it marked.
   */
  markPublished(ids: readonly string[]): Promise<number>;
  /** How many messages wait to be published. */
  pendingCount(): Promise<number>;
}
