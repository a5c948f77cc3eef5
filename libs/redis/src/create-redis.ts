import { type ConnectionOptions } from 'node:tls';

import { redisCredentialChecks } from '@sagaflow/config';
import {
  checkOptions,
  describeError,
  isNonNegativeInteger,
  isPositiveInteger,
  type Logger,
  redactUrlCredentials,
} from '@sagaflow/core';
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
   * The ACL user to `AUTH` as; needs a {@link password}. Not with a user name in the URL.
   * @defaultValue the URL's, else `default`
   */
  readonly username?: string;
  /**
   * The password to `AUTH` with, kept out of the URL (and of every log). Not with a password
   * in the URL.
   * @defaultValue the URL's, else no `AUTH`
   */
  readonly password?: string;
  /**
   * TLS options (`{}`: TLS verified against the system's CAs; `{ ca }`: a private CA). A
   * `rediss://` URL turns TLS on by itself. From `redisSecurity`.
   * @defaultValue TLS only with a `rediss://` URL
   */
  readonly tls?: ConnectionOptions;
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
    ...redisCredentialChecks(url, options),
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
    ...(options.username === undefined ? {} : { username: options.username }),
    ...(options.password === undefined ? {} : { password: options.password }),
    ...(options.tls === undefined ? {} : { tls: options.tls }),
  });
  const { logger } = options;
  if (logger !== undefined) {
    redis.on('error', (error: unknown) => {
      // Name, code and message only: a failed AUTH carries its arguments, the password among
      // them, on the error.
      logger.warn('redis connection error', {
        url: redactUrlCredentials(url),
        error: describeError(error),
      });
    });
  }
  return redis;
}
