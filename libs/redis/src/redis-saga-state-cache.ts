import {
  checkOptions,
  isPositiveInteger,
  type Logger,
  noopLogger,
  notifyObserver,
  type SagaState,
  type SagaStateCache,
} from '@sagaflow/core';
import type { Redis } from 'ioredis';

import { type CacheObserver } from './cache-observer';
import { RedisCacheError } from './errors';
import { LuaScript } from './lua-script';
import { sagaStateKey } from './redis-keys';

/** Options of {@link RedisSagaStateCache}. */
export interface RedisSagaStateCacheOptions {
  /**
   * Put before `saga:<sagaId>`, after the client's own ioredis `keyPrefix`.
   * @defaultValue `''`
   */
  readonly keyPrefix?: string;
  /**
   * How long an entry lives after its last write, in ms. Only recently active sagas stay
   * cached; the others are read from MySQL.
   * @defaultValue `3_600_000` (1 h)
   */
  readonly ttlMs?: number;
  /** Hit and miss counts of `get`. @defaultValue none */
  readonly observer?: CacheObserver;
  /** Where observer failures are logged. @defaultValue `noopLogger` */
  readonly logger?: Logger;
}

interface ResolvedOptions {
  readonly keyPrefix: string;
  readonly ttlMs: number;
  readonly observer: CacheObserver;
  readonly logger: Logger;
}

/**
 * Replaces the state unless the cached one has a higher version. An entry that is not the
 * JSON of this saga's state with a numeric version is unreadable and replaced as well.
 * KEYS[1] = key; ARGV = state JSON, version, TTL in ms, saga id. Returns 1 when written.
 */
const COMPARE_AND_SET = new LuaScript(`
local current = redis.call('GET', KEYS[1])
if current then
  local ok, decoded = pcall(cjson.decode, current)
  if ok and type(decoded) == 'table' and decoded['sagaId'] == ARGV[4] then
    local version = tonumber(decoded['version'])
    if version and version > tonumber(ARGV[2]) then
      return 0
    end
  end
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
return 1
`);

/**
 * The saga state cache in Redis: `<keyPrefix>saga:<sagaId>` holds the state's JSON. `set`
 * is an atomic compare-and-set on `version` (a Lua script), so a slow writer never rolls
 * the cache back. Every Redis failure is thrown as a retryable {@link RedisCacheError};
 * the engine treats it as a miss and reads MySQL.
 *
 * @example
 * ```ts
 * const redis = createRedis({ url: config.redis.url, keyPrefix: config.redis.keyPrefix });
 * const stateCache = new RedisSagaStateCache(redis, { ttlMs: 3_600_000 });
 * const engine = new SagaEngine({ ...ports, stateCache });
 * ```
 */
export class RedisSagaStateCache implements SagaStateCache {
  readonly #redis: Redis;
  readonly #options: ResolvedOptions;

  constructor(redis: Redis, options: RedisSagaStateCacheOptions = {}) {
    this.#redis = redis;
    this.#options = resolveOptions(options);
  }

  async get(sagaId: string): Promise<SagaState | null> {
    let raw: string | null;
    try {
      raw = await this.#redis.get(this.#key(sagaId));
    } catch (error: unknown) {
      throw new RedisCacheError('get', `could not read the cached state of saga '${sagaId}'`, {
        cause: error,
        context: { sagaId },
      });
    }
    const { observer, logger } = this.#options;
    const hits = raw === null ? 0 : 1;
    notifyObserver(
      observer,
      'onLookup',
      { cache: 'saga-state', hits, misses: 1 - hits },
      { logger, component: 'cache' },
    );
    return raw === null ? null : parseState(raw, sagaId);
  }

  async set(state: SagaState): Promise<void> {
    try {
      await COMPARE_AND_SET.run(this.#redis, {
        keys: [this.#key(state.sagaId)],
        args: [JSON.stringify(state), state.version, this.#options.ttlMs, state.sagaId],
      });
    } catch (error: unknown) {
      throw new RedisCacheError('set', `could not cache the state of saga '${state.sagaId}'`, {
        cause: error,
        context: { sagaId: state.sagaId, version: state.version },
      });
    }
  }

  async delete(sagaId: string): Promise<void> {
    try {
      await this.#redis.del(this.#key(sagaId));
    } catch (error: unknown) {
      throw new RedisCacheError('delete', `could not delete the cached state of saga '${sagaId}'`, {
        cause: error,
        context: { sagaId },
      });
    }
  }

  #key(sagaId: string): string {
    return sagaStateKey(this.#options.keyPrefix, sagaId);
  }
}

function resolveOptions(options: RedisSagaStateCacheOptions): ResolvedOptions {
  const keyPrefix = options.keyPrefix ?? '';
  const ttlMs = options.ttlMs ?? 3_600_000;
  checkOptions('RedisSagaStateCache', [
    ['keyPrefix', keyPrefix, !/\s/.test(keyPrefix), 'a key prefix without spaces'],
    ['ttlMs', ttlMs, isPositiveInteger(ttlMs), 'an integer > 0'],
  ]);
  return {
    keyPrefix,
    ttlMs,
    observer: options.observer ?? {},
    logger: options.logger ?? noopLogger,
  };
}

/**
 * The cached JSON as a state. Only the fields the cache relies on are checked: it stores
 * what the engine gave it, so anything else means the entry was written by someone else.
 */
function parseState(raw: string, sagaId: string): SagaState {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error: unknown) {
    throw unreadable(sagaId, error);
  }
  const candidate =
    typeof value === 'object' ? (value as Partial<Record<keyof SagaState, unknown>> | null) : null;
  if (candidate?.sagaId !== sagaId || typeof candidate.version !== 'number') {
    throw unreadable(sagaId, undefined);
  }
  return value as SagaState;
}

function unreadable(sagaId: string, cause: unknown): RedisCacheError {
  return new RedisCacheError('get', `the cached state of saga '${sagaId}' is unreadable`, {
    ...(cause === undefined ? {} : { cause }),
    context: { sagaId },
    reason: 'unreadable',
  });
}
