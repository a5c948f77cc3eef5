import {
  checkOptions,
  isNonNegativeInteger,
  isPositiveInteger,
  redactUrlCredentials,
} from '@sagaflow/config';
import type { Logger } from '@sagaflow/core';
import { Redis } from 'ioredis';

/** Options of {@link createRedis}. */
export interface RedisOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://…`. @defaultValue `'redis://127.0.0.1:6379'` */
  readonly url?: string;
  /**
   * Prepended by ioredis to every key argument, e.g. `sagaflow:orchestrator:`. It is not
   * applied to `SCAN`/`KEYS` match patterns or to the keys they return.
   * @defaultValue `''`
   */
  readonly keyPrefix?: string;
  /** `CLIENT SETNAME` of the connection, shown by `CLIENT LIST`. @defaultValue none */
  readonly connectionName?: string;
  /**
   * Attempts of one command across reconnects before it fails. Small on purpose: the
   * cache is an optimisation and MySQL decides, so a Redis outage must fail fast rather
   * than stall the caller.
   * @defaultValue `2`
   */
  readonly maxRetriesPerRequest?: number;
  /** Time to open the TCP connection, in ms. @defaultValue `5000` */
  readonly connectTimeoutMs?: number;
  /** Longest pause between two reconnect attempts (they grow 100 ms at a time). @defaultValue `2000` */
  readonly maxReconnectDelayMs?: number;
  /**
   * Receives connection errors (ioredis emits them as events; without a listener it
   * prints "Unhandled error event"). @defaultValue none
   */
  readonly logger?: Logger;
}

const REDIS_URL = /^rediss?:\/\/[^\s/?#]+(?:\/\d{1,2})?$/;

/**
 * Creates an ioredis client for caches: connects at once (lazy connect off), reconnects
 * forever with a capped linear back-off, and fails single commands quickly while Redis is
 * away. For BullMQ connections use `createQueueConnection` from `@sagaflow/jobs` (BullMQ
 * needs `maxRetriesPerRequest: null` and no key prefix).
 *
 * @example
 * ```ts
 * const redis = createRedis({ url: config.redis.url, keyPrefix: config.redis.keyPrefix, logger });
 * await redis.set(`event-process:${messageId}`, 'DONE', 'EX', 3600);
 * await redis.quit();
 * ```
 */
export function createRedis(options: RedisOptions = {}): Redis {
  const url = options.url ?? 'redis://127.0.0.1:6379';
  const keyPrefix = options.keyPrefix ?? '';
  const maxRetriesPerRequest = options.maxRetriesPerRequest ?? 2;
  const connectTimeoutMs = options.connectTimeoutMs ?? 5000;
  const maxReconnectDelayMs = options.maxReconnectDelayMs ?? 2000;
  checkOptions('createRedis', [
    [
      'url',
      url,
      REDIS_URL.test(url),
      'a redis:// or rediss:// URL with host, port and optional /db',
    ],
    ['keyPrefix', keyPrefix, !/\s/.test(keyPrefix), 'a key prefix without spaces'],
    [
      'maxRetriesPerRequest',
      maxRetriesPerRequest,
      isNonNegativeInteger(maxRetriesPerRequest),
      'an integer ≥ 0',
    ],
    ['connectTimeoutMs', connectTimeoutMs, isPositiveInteger(connectTimeoutMs), 'an integer > 0'],
    [
      'maxReconnectDelayMs',
      maxReconnectDelayMs,
      isPositiveInteger(maxReconnectDelayMs),
      'an integer > 0',
    ],
  ]);
  const redis = new Redis(url, {
    keyPrefix,
    lazyConnect: false,
    maxRetriesPerRequest,
    connectTimeout: connectTimeoutMs,
    retryStrategy: (attempt) => Math.min(attempt * 100, maxReconnectDelayMs),
    ...(options.connectionName === undefined ? {} : { connectionName: options.connectionName }),
  });
  const { logger } = options;
  if (logger !== undefined) {
    redis.on('error', (error: unknown) => {
      logger.warn('redis connection error', { url: redactUrlCredentials(url), err: error });
    });
  }
  return redis;
}
