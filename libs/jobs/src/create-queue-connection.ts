import { type ConnectionOptions } from 'node:tls';

import { redisCredentialChecks } from '@sagaflow/config';
import {
  checkOptions,
  describeError,
  isPositiveInteger,
  type Logger,
  redactUrlCredentials,
} from '@sagaflow/core';
import { Redis } from 'ioredis';

/** Options of {@link createQueueConnection}. */
export interface QueueConnectionOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://…`. @defaultValue `'redis://127.0.0.1:6379'` */
  readonly url?: string;
  /** `CLIENT SETNAME` of the connection, shown by `CLIENT LIST`. @defaultValue none */
  readonly connectionName?: string;
  /**
   * The ACL user to `AUTH` as; needs a {@link password}. Not with credentials in the URL.
   * @defaultValue the URL's, else `default`
   */
  readonly username?: string;
  /**
   * The password to `AUTH` with, kept out of the URL (and of every log). Not with
   * credentials in the URL.
   * @defaultValue the URL's, else no `AUTH`
   */
  readonly password?: string;
  /**
   * TLS options (`{}`: TLS verified against the system's CAs; `{ ca }`: a private CA). A
   * `rediss://` URL turns TLS on by itself. From `redisSecurity` of `@sagaflow/redis`.
   * @defaultValue TLS only with a `rediss://` URL
   */
  readonly tls?: ConnectionOptions;
  /** Time to open the TCP connection, in ms. @defaultValue `5000` */
  readonly connectTimeoutMs?: number;
  /** Longest pause between two reconnect attempts (they grow 100 ms at a time). @defaultValue `2000` */
  readonly maxReconnectDelayMs?: number;
  /** Receives connection errors (ioredis emits them as events). @defaultValue none */
  readonly logger?: Logger;
}

const REDIS_URL = /^rediss?:\/\/[^\s/?#]+(?:\/\d{1,2})?$/;

/**
 * Creates the ioredis connection BullMQ queues and workers take as `connection`:
 * `maxRetriesPerRequest: null` (BullMQ requires it for workers' blocking commands: a
 * command waits for Redis to come back instead of failing) and no ioredis `keyPrefix`
 * (BullMQ namespaces with its own `prefix` option). Redis must run with
 * `maxmemory-policy noeviction`, or jobs may be evicted.
 *
 * A connection given to a `Queue` or `Worker` is shared, not owned: close the queue or
 * worker first, then `quit()` the connection.
 *
 * @example
 * ```ts
 * const connection = createQueueConnection({ url: config.redis.url, logger });
 * const queue = new Queue('sagaflow-timeouts', { connection, prefix: 'sagaflow' });
 * const worker = new Worker('sagaflow-timeouts', onTimeout, { connection, prefix: 'sagaflow' });
 * ```
 */
export function createQueueConnection(options: QueueConnectionOptions = {}): Redis {
  const url = options.url ?? 'redis://127.0.0.1:6379';
  const connectTimeoutMs = options.connectTimeoutMs ?? 5000;
  const maxReconnectDelayMs = options.maxReconnectDelayMs ?? 2000;
  checkOptions('createQueueConnection', [
    [
      'url',
      url,
      REDIS_URL.test(url),
      'a redis:// or rediss:// URL with host, port and optional /db',
    ],
    ...redisCredentialChecks(url, options),
    ['connectTimeoutMs', connectTimeoutMs, isPositiveInteger(connectTimeoutMs), 'an integer > 0'],
    [
      'maxReconnectDelayMs',
      maxReconnectDelayMs,
      isPositiveInteger(maxReconnectDelayMs),
      'an integer > 0',
    ],
  ]);
  const connection = new Redis(url, {
    maxRetriesPerRequest: null,
    lazyConnect: false,
    connectTimeout: connectTimeoutMs,
    retryStrategy: (attempt) => Math.min(attempt * 100, maxReconnectDelayMs),
    ...(options.connectionName === undefined ? {} : { connectionName: options.connectionName }),
    ...(options.username === undefined ? {} : { username: options.username }),
    ...(options.password === undefined ? {} : { password: options.password }),
    ...(options.tls === undefined ? {} : { tls: options.tls }),
  });
  const { logger } = options;
  if (logger !== undefined) {
    connection.on('error', (error: unknown) => {
      // Name, code and message only: a failed AUTH carries its arguments, the password among
      // them, on the error.
      logger.warn('queue connection error', {
        url: redactUrlCredentials(url),
        error: describeError(error),
      });
    });
  }
  return connection;
}
