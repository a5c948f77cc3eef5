import { readFileSync } from 'node:fs';
import { type ConnectionOptions } from 'node:tls';

import { type FieldIssue, InvalidArgumentError, REDACTED } from '@sagaflow/core';

/** The Redis section of `redisEnv` (`config.redis`): the URL, credentials and TLS. */
export interface RedisSecuritySettings {
  readonly url: string;
  readonly username: string;
  readonly password: string;
  readonly tls: { readonly enabled: boolean; readonly caFile: string };
}

/**
 * What {@link redisSecurity} gives `createRedis`, `createQueueConnection` (`@sagaflow/jobs`)
 * and a participant's `redis` options: the ACL user and password, and Node's TLS options.
 */
export interface RedisSecurityOptions {
  readonly username?: string;
  readonly password?: string;
  readonly tls?: ConnectionOptions;
}

/**
 * Turns the environment's Redis credentials and TLS settings into client options: the user
 * and password of `SAGAFLOW_REDIS_USERNAME` / `SAGAFLOW_REDIS_PASSWORD` (kept out of the
 * URL), and TLS when `SAGAFLOW_REDIS_TLS` is on or the URL is `rediss://`, verifying the
 * server's certificate against the system's CAs or those of the CA file (read here).
 *
 * Throws `InvalidArgumentError` naming the variables when the CA file cannot be read, when it is
 * given without TLS, when a user name has no password, or when the URL carries credentials
 * too (one place only, so that none is silently ignored); the password is never part of a
 * message.
 *
 * @example
 * ```ts
 * const security = redisSecurity(config.redis);
 * const redis = createRedis({ url: config.redis.url, keyPrefix: config.redis.keyPrefix, ...security });
 * const connection = createQueueConnection({ url: config.redis.url, ...security });
 * ```
 */
export function redisSecurity(settings: RedisSecuritySettings): RedisSecurityOptions {
  const { username, password, tls } = settings;
  const inUrl = hasUrlCredentials(settings.url);
  const tlsOn = tls.enabled || settings.url.startsWith('rediss://');
  const issues: FieldIssue[] = [];
  let tlsOptions: ConnectionOptions | undefined = tlsOn ? {} : undefined;
  if (tls.caFile !== '') {
    if (!tlsOn) {
      issues.push({
        field: 'SAGAFLOW_REDIS_TLS_CA_FILE',
        value: JSON.stringify(tls.caFile),
        expected: 'unset unless SAGAFLOW_REDIS_TLS is true or SAGAFLOW_REDIS_URL is rediss://',
      });
    } else {
      try {
        tlsOptions = { ca: [readFileSync(tls.caFile, 'utf8')] };
      } catch {
        issues.push({
          field: 'SAGAFLOW_REDIS_TLS_CA_FILE',
          value: JSON.stringify(tls.caFile),
          expected: 'a readable PEM file',
        });
      }
    }
  }
  // ioredis takes the URL's user name and password, even an empty one, over the variables.
  for (const [variable, value] of [
    ['SAGAFLOW_REDIS_USERNAME', username === '' ? null : JSON.stringify(username)],
    ['SAGAFLOW_REDIS_PASSWORD', password === '' ? null : REDACTED],
  ] as const) {
    if (value !== null && inUrl) {
      issues.push({
        field: variable,
        value,
        expected: 'unset when SAGAFLOW_REDIS_URL carries credentials (one place only)',
      });
    }
  }
  if (username !== '' && password === '' && !inUrl) {
    issues.push({
      field: 'SAGAFLOW_REDIS_PASSWORD',
      value: '(unset)',
      expected: 'a value when SAGAFLOW_REDIS_USERNAME is set',
    });
  }
  if (issues.length > 0) throw new InvalidArgumentError({ code: 'CONFIG_INVALID', issues });
  return {
    ...(username === '' ? {} : { username }),
    ...(password === '' ? {} : { password }),
    ...(tlsOptions === undefined ? {} : { tls: tlsOptions }),
  };
}

/** Whether a `redis://` URL carries a user name or a password (never their values). */
function hasUrlCredentials(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.username !== '' || parsed.password !== '';
  } catch {
    // createRedis rejects the URL itself, naming it.
    return false;
  }
}
