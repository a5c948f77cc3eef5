import { checkInteger, checkPort, checkTime } from '../errors/validation';
import { InvalidArgumentError } from '../errors/errors';
import { type Clock } from '../ports/clock';
import { type Outbox, type OutboxMessage, type OutboxRecord } from '../ports/outbox';
import { cloneJson } from './adapter-semantics';

/** Options of {@link InMemoryOutbox}. */
export interface InMemoryOutboxOptions {
  /** Stamps `createdAt` and `publishedAt`. Required: core never reads the wall clock. */
  readonly clock: Clock;
}

/** An outbox message as the in-memory outbox keeps it, with its publication state. */
export interface InMemoryOutboxRecord extends OutboxRecord {
  readonly publishedAt: string | null;
}

interface MutableRecord {
  readonly record: OutboxRecord;
  publishedAt: string | null;
}

/**
 * The transactional outbox in memory. {@link InMemoryEventStore} writes into it in the
 * same step as the events; the test kit's relay drains it with {@link publishBatch}.
 *
 * Per-key order holds across concurrent relays: while a message is handed out and not
 * yet published, later messages with the same key are not handed to anyone.
 *
 * @example
 * ```ts
 * const outbox = new InMemoryOutbox({ clock });
 * outbox.enqueue([{ id: 'm1', topic: 't', key: 'saga-1', headers: {}, value: '{}' }]);
 * await outbox.publishBatch(100, async (messages) => producer.send(messages));
 * ```
 */
export class InMemoryOutbox implements Outbox {
  readonly #clock: Clock;
  readonly #records: MutableRecord[] = [];
  readonly #ids = new Set<string>();
  /** Ids handed to a `publish` call that has not settled yet. */
  readonly #inFlight = new Set<string>();
  #nextSeq = 1;

  constructor(options: InMemoryOutboxOptions) {
    this.#clock = checkPort('clock', options.clock, ['now']);
  }

  /**
   * Adds messages, all or none: a message id already in the outbox (or twice in the
   * batch) rejects the whole batch, as the table's unique key would.
   */
  enqueue(messages: readonly OutboxMessage[]): void {
    this.assertCanEnqueue(messages);
    const createdAt = this.#clock.now().toISOString();
    for (const message of messages) {
      const { id, topic, key, headers, value } = cloneJson(message);
      this.#records.push({
        record: { id, topic, key, headers, value, seq: this.#nextSeq, createdAt },
        publishedAt: null,
      });
      this.#nextSeq += 1;
      this.#ids.add(id);
    }
  }

  /** Throws what {@link enqueue} would throw, without writing anything. */
  assertCanEnqueue(messages: readonly OutboxMessage[]): void {
    const seen = new Set<string>();
    for (const { id } of messages) {
      if (this.#ids.has(id) || seen.has(id)) {
        throw new InvalidArgumentError('outbox message id', id, 'must be unique in the outbox');
      }
      seen.add(id);
    }
  }

  async publishBatch(
    limit: number,
    publish: (messages: readonly OutboxRecord[]) => Promise<void>,
    options: { readonly createdBefore?: Date } = {},
  ): Promise<number> {
    checkInteger('limit', limit, 1);
    const cutoff =
      options.createdBefore === undefined
        ? Number.POSITIVE_INFINITY
        : checkTime('createdBefore', options.createdBefore);
    const batch = this.#claim(limit, cutoff);
    if (batch.length === 0) return 0;
    for (const entry of batch) this.#inFlight.add(entry.record.id);
    try {
      await publish(batch.map((entry) => cloneJson(entry.record)));
      const publishedAt = this.#clock.now().toISOString();
      for (const entry of batch) entry.publishedAt = publishedAt;
    } finally {
      for (const entry of batch) this.#inFlight.delete(entry.record.id);
    }
    return batch.length;
  }

  markPublished(ids: readonly string[]): Promise<number> {
    const wanted = new Set(ids);
    const publishedAt = this.#clock.now().toISOString();
    let marked = 0;
    for (const entry of this.#records) {
      if (entry.publishedAt !== null || !wanted.has(entry.record.id)) continue;
      entry.publishedAt = publishedAt;
      marked += 1;
    }
    return Promise.resolve(marked);
  }

  pendingCount(): Promise<number> {
    return Promise.resolve(this.#records.filter((entry) => entry.publishedAt === null).length);
  }

  /** Every message ever enqueued, in `seq` order, with its publication state. */
  records(): readonly InMemoryOutboxRecord[] {
    return this.#records.map((entry) => ({
      ...cloneJson(entry.record),
      publishedAt: entry.publishedAt,
    }));
  }

  /**
   * Unpublished messages in `seq` order, skipping every key that has a message in flight
   * (and every later message of a skipped key), so that one key is never published out of
   * order.
   */
  #claim(limit: number, createdBefore: number): MutableRecord[] {
    const blockedKeys = new Set<string>();
    const batch: MutableRecord[] = [];
    for (const entry of this.#records) {
      if (batch.length >= limit) break;
      if (entry.publishedAt !== null) continue;
      if (Date.parse(entry.record.createdAt) >= createdBefore) continue;
      const { id, key } = entry.record;
      if (this.#inFlight.has(id) || blockedKeys.has(key)) {
        blockedKeys.add(key);
        continue;
      }
      batch.push(entry);
    }
    return batch;
  }
}
