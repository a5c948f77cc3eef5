import {
  checkOptions,
  type EventProcessRef,
  type EventProcessStatus,
  isPositiveInteger,
} from '@sagaflow/core';
import type { Redis } from 'ioredis';

import { RedisCacheError } from './errors';
import { LuaScript } from './lua-script';
import { eventProcessKey, parseEventProcessKey, scanPattern } from './redis-keys';

/** A record's status, to cache. */
export interface EventProcessCacheEntry extends EventProcessRef {
  readonly status: EventProcessStatus;
}

/** An entry found by {@link RedisEventProcessCache.scan}, its value as stored. */
export interface ScannedEventProcessEntry extends EventProcessRef {
  /** The stored value (normally a status); null when the key expired meanwhile. */
  readonly value: string | null;
}

/** Options of {@link RedisEventProcessCache}. */
export interface RedisEventProcessCacheOptions {
  /**
   * Put before `ep:<consumer>:<messageId>`, after the client's own ioredis `keyPrefix`.
   * @defaultValue `''`
   */
  readonly keyPrefix?: string;
  /**
   * How long an entry lives after its last write, in ms: longer than Kafka could take to
   * redeliver a message (a consumer restart, a rebalance).
   * @defaultValue `86_400_000` (24 h)
   */
  readonly ttlMs?: number;
}

const STATUSES: ReadonlySet<string> = new Set<EventProcessStatus>([
  'RECEIVED',
  'PROCESSING',
  'DONE',
  'FAILED',
]);

/**
 * Sets the status unless the entry is DONE already (DONE is final in the EventProcess table, so a late
 * write-through of an earlier status must not hide it). KEYS[1] = key; ARGV = status, TTL.
 */
const SET_STATUS = new LuaScript(`
if redis.call('GET', KEYS[1]) == 'DONE' and ARGV[1] ~= 'DONE' then
  return 0
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
`);

/**
 * Replaces the value only if it is still `expected`; an empty new value deletes the key.
 * KEYS[1] = key; ARGV = expected, new value, TTL. Returns 1 when changed.
 */
const REPLACE_IF = new LuaScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return 0
end
if ARGV[2] == '' then
  redis.call('DEL', KEYS[1])
else
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
end
return 1
`);

/**
 * EventProcess statuses in Redis: `<keyPrefix>ep:<consumer>:<messageId>` holds
 * `RECEIVED`, `PROCESSING`, `DONE` or `FAILED`. An entry only ever exists for a record
 * MySQL has (it is written after the EventProcess table call succeeded), which makes any entry proof
 * of a duplicate. Every Redis failure is thrown as a retryable {@link RedisCacheError}.
 *
 * @example
 * ```ts
 * const statuses = new RedisEventProcessCache(redis, { ttlMs: 86_400_000 });
 * const eventProcess = new CachedEventProcessStore(new MySqlEventProcessStore(dataSource), statuses, { logger });
 * ```
 */
export class RedisEventProcessCache {
  readonly #redis: Redis;
  readonly #keyPrefix: string;
  readonly #ttlMs: number;

  constructor(redis: Redis, options: RedisEventProcessCacheOptions = {}) {
    const keyPrefix = options.keyPrefix ?? '';
    const ttlMs = options.ttlMs ?? 86_400_000;
    checkOptions('RedisEventProcessCache', [
      ['keyPrefix', keyPrefix, !/\s/.test(keyPrefix), 'a key prefix without spaces'],
      ['ttlMs', ttlMs, isPositiveInteger(ttlMs), 'an integer > 0'],
    ]);
    this.#redis = redis;
    this.#keyPrefix = keyPrefix;
    this.#ttlMs = ttlMs;
  }

  /** The cached status of each record, in order; null when unknown (or unreadable). */
  async getMany(refs: readonly EventProcessRef[]): Promise<(EventProcessStatus | null)[]> {
    if (refs.length === 0) return [];
    let values: (string | null)[];
    try {
      values = await this.#redis.mget(refs.map((ref) => this.#key(ref)));
    } catch (error: unknown) {
      throw new RedisCacheError('getMany', `could not read ${refs.length} EventProcess statuses`, {
        cause: error,
      });
    }
    return values.map((value) => (isStatus(value) ? value : null));
  }

  /** Caches the statuses (one pipeline); a DONE entry is never replaced by another status. */
  async setMany(entries: readonly EventProcessCacheEntry[]): Promise<void> {
    try {
      await SET_STATUS.runMany(
        this.#redis,
        entries.map((entry) => ({ keys: [this.#key(entry)], args: [entry.status, this.#ttlMs] })),
      );
    } catch (error: unknown) {
      throw new RedisCacheError(
        'setMany',
        `could not cache ${entries.length} EventProcess statuses`,
        {
          cause: error,
        },
      );
    }
  }

  /**
   * Replaces the entry's value with `next` (null deletes it), only if it still is
   * `expected`: reconciliation repairs what it saw, never a newer write. True if changed.
   */
  async replaceIf(
    ref: EventProcessRef,
    expected: string,
    next: EventProcessStatus | null,
  ): Promise<boolean> {
    try {
      const changed = await REPLACE_IF.run(this.#redis, {
        keys: [this.#key(ref)],
        args: [expected, next ?? '', this.#ttlMs],
      });
      return changed === 1;
    } catch (error: unknown) {
      throw new RedisCacheError('replaceIf', 'could not repair a cached EventProcess status', {
        cause: error,
        context: { consumer: ref.consumer, messageId: ref.messageId },
      });
    }
  }

  /**
   * One `SCAN` step over the cached entries (never `KEYS`): pass `'0'` to start and the
   * returned cursor to go on; `'0'` back means the scan went round. `count` is a hint.
   */
  async scan(
    cursor: string,
    count: number,
  ): Promise<{ cursor: string; entries: ScannedEventProcessEntry[] }> {
    // SCAN ignores the ioredis keyPrefix: match and strip it by hand.
    const clientPrefix = this.#redis.options.keyPrefix ?? '';
    try {
      const [next, keys] = await this.#redis.scan(
        cursor,
        'MATCH',
        scanPattern(`${clientPrefix}${this.#keyPrefix}ep:`),
        'COUNT',
        count,
      );
      const refs = keys
        .map((key) => parseEventProcessKey(this.#keyPrefix, key.slice(clientPrefix.length)))
        .filter((ref) => ref !== null);
      const values = refs.length === 0 ? [] : await this.#redis.mget(refs.map((r) => this.#key(r)));
      return {
        cursor: next,
        entries: refs.map((ref, i) => ({ ...ref, value: values[i] ?? null })),
      };
    } catch (error: unknown) {
      throw new RedisCacheError('scan', 'could not scan the cached EventProcess statuses', {
        cause: error,
      });
    }
  }

  #key(ref: EventProcessRef): string {
    return eventProcessKey(this.#keyPrefix, ref.consumer, ref.messageId);
  }
}

function isStatus(value: string | null): value is EventProcessStatus {
  return value !== null && STATUSES.has(value);
}
