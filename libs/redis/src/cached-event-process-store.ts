import {
  describeError,
  type EventProcessRef,
  type EventProcessStatus,
  type EventProcessStore,
  type EventProcessMessage,
  type EventProcessRecord,
  type Logger,
  noopLogger,
  notifyObserver,
  type ReceiveResult,
} from '@sagaflow/core';

import { type CacheObserver } from './cache-observer';
import { RedisCacheError } from './errors';
import {
  type EventProcessCacheEntry,
  type RedisEventProcessCache,
} from './redis-event-process-cache';

/** Options of {@link CachedEventProcessStore}. */
export interface CachedEventProcessStoreOptions {
  /** Where absorbed Redis failures are logged (warn). @defaultValue `noopLogger` */
  readonly logger?: Logger;
  /** Hooks for metrics: lookups, absorbed errors, duplicates dropped. @defaultValue none */
  readonly observer?: CacheObserver;
}

/**
 * An {@link EventProcessStore} (MySQL in production) with its statuses cached in Redis, so redelivered
 * messages are discarded without a database round trip.
 *
 * - `receive` drops the messages the cache knows (any status: an entry exists only for a
 *   record the inner EventProcess table has) as duplicates, and hands the rest to the inner EventProcess table,
 *   which decides;
 * - `claim`, `complete` and `fail` write the new status to the cache after the inner call
 *   succeeded; {@link rememberDone} does it for handlers that mark DONE in their own
 *   transaction;
 * - `get` and `findStale` go to the inner EventProcess table.
 *
 * Redis is never trusted with a decision it cannot back: any Redis failure is logged,
 * counted and treated as a miss, so losing Redis loses and duplicates nothing.
 *
 * @example
 * ```ts
 * const eventProcess = new CachedEventProcessStore(new MySqlEventProcessStore(dataSource), new RedisEventProcessCache(redis), {
 *   logger,
 *   observer: { onDuplicatesDropped: ({ count }) => duplicates.inc(count) },
 * });
 * const { accepted } = await eventProcess.receive(batch);
 * ```
 */
export class CachedEventProcessStore implements EventProcessStore {
  readonly #inner: EventProcessStore;
  readonly #cache: RedisEventProcessCache;
  readonly #logger: Logger;
  readonly #observer: CacheObserver;

  constructor(
    inner: EventProcessStore,
    cache: RedisEventProcessCache,
    options: CachedEventProcessStoreOptions = {},
  ) {
    this.#inner = inner;
    this.#cache = cache;
    this.#logger = options.logger ?? noopLogger;
    this.#observer = options.observer ?? {};
  }

  /**
   * Records the new messages. `duplicates` lists the messages the cache knew first, then
   * those the inner EventProcess table found.
   */
  async receive<M extends EventProcessMessage>(messages: readonly M[]): Promise<ReceiveResult<M>> {
    const known = await this.#lookup(messages);
    const cachedDuplicates = messages.filter((_, i) => known[i] !== null);
    const unknown = messages.filter((_, i) => known[i] === null);
    this.#reportDropped(cachedDuplicates);
    if (unknown.length === 0) return { accepted: [], duplicates: cachedDuplicates };

    const result = await this.#inner.receive(unknown);
    await this.#remember(
      result.accepted.map((m) => ({
        consumer: m.consumer,
        messageId: m.messageId,
        status: 'RECEIVED',
      })),
      'receive',
    );
    return {
      accepted: result.accepted,
      duplicates: [...cachedDuplicates, ...result.duplicates],
    };
  }

  get(consumer: string, messageId: string): Promise<EventProcessRecord | null> {
    return this.#inner.get(consumer, messageId);
  }

  async claim(
    consumer: string,
    messageId: string,
    leaseExpiredBefore: Date,
  ): Promise<EventProcessRecord | null> {
    const record = await this.#inner.claim(consumer, messageId, leaseExpiredBefore);
    if (record !== null) await this.#rememberOne(consumer, messageId, 'PROCESSING', 'claim');
    return record;
  }

  async complete(consumer: string, messageId: string): Promise<void> {
    await this.#inner.complete(consumer, messageId);
    await this.#rememberOne(consumer, messageId, 'DONE', 'complete');
  }

  async fail(consumer: string, messageId: string, error: string): Promise<void> {
    await this.#inner.fail(consumer, messageId, error);
    await this.#rememberOne(consumer, messageId, 'FAILED', 'fail');
  }

  findStale(olderThan: Date, limit: number): Promise<readonly EventProcessRecord[]> {
    return this.#inner.findStale(olderThan, limit);
  }

  /**
   * Caches DONE for a record a handler marked DONE in its own transaction (the orchestrator
   * through `AppendRequest.processed`, a participant in its handler's transaction). Cache
   * only; never throws.
   */
  rememberDone(consumer: string, messageId: string): Promise<void> {
    return this.#rememberOne(consumer, messageId, 'DONE', 'rememberDone');
  }

  /** {@link rememberDone} for several records at once (one Redis call). Never throws. */
  rememberAllDone(records: readonly EventProcessRef[]): Promise<void> {
    return this.#remember(
      records.map(({ consumer, messageId }) => ({ consumer, messageId, status: 'DONE' })),
      'rememberDone',
    );
  }

  /** The cached status of each message; all null when Redis fails. */
  async #lookup(messages: readonly EventProcessMessage[]): Promise<(EventProcessStatus | null)[]> {
    if (messages.length === 0) return [];
    try {
      const statuses = await this.#cache.getMany(messages);
      const hits = statuses.filter((s) => s !== null).length;
      notifyObserver(
        this.#observer,
        'onLookup',
        { cache: 'event-process', hits, misses: statuses.length - hits },
        { logger: this.#logger, component: 'cache' },
      );
      return statuses;
    } catch (error: unknown) {
      this.#absorb('getMany', error, messages.length);
      return messages.map(() => null);
    }
  }

  #rememberOne(
    consumer: string,
    messageId: string,
    status: EventProcessStatus,
    operation: string,
  ): Promise<void> {
    return this.#remember([{ consumer, messageId, status }], operation);
  }

  /** Writes statuses through to the cache; a failure leaves a miss, which is safe. */
  async #remember(entries: readonly EventProcessCacheEntry[], operation: string): Promise<void> {
    if (entries.length === 0) return;
    try {
      await this.#cache.setMany(entries);
    } catch (error: unknown) {
      this.#absorb(operation, error, entries.length);
    }
  }

  #reportDropped(duplicates: readonly EventProcessRef[]): void {
    const byConsumer = new Map<string, number>();
    for (const { consumer } of duplicates) {
      byConsumer.set(consumer, (byConsumer.get(consumer) ?? 0) + 1);
    }
    for (const [consumer, count] of byConsumer) {
      notifyObserver(
        this.#observer,
        'onDuplicatesDropped',
        { consumer, count },
        { logger: this.#logger, component: 'cache' },
      );
    }
  }

  #absorb(operation: string, error: unknown, count: number): void {
    const cacheError =
      error instanceof RedisCacheError
        ? error
        : new RedisCacheError(operation, 'EventProcess cache operation failed', { cause: error });
    this.#logger.warn(
      'EventProcess cache unavailable; carrying on with the EventProcess table alone',
      {
        operation,
        records: count,
        error: describeError(cacheError.cause ?? cacheError),
      },
    );
    notifyObserver(
      this.#observer,
      'onCacheError',
      { cache: 'event-process', operation, error: cacheError },
      { logger: this.#logger, component: 'cache' },
    );
  }
}
