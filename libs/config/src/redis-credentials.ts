import { type OptionCheck } from '@sagaflow/core';

/** The credentials and TLS options a Sagaflow Redis client takes besides its URL. */
export interface RedisCredentialFields {
  readonly username?: string | undefined;
  readonly password?: string | undefined;
  readonly tls?: object | undefined;
}

/** `redis://user@…`, `redis://:password@…`: credentials in the URL. */
const URL_CREDENTIALS = /^rediss?:\/\/[^\s/?#]*@/;

/**
 * The option checks of a Redis client's `username`, `password` and `tls` (for
 * `checkOptions`): a user name without spaces comes with a password, and neither is given
 * with a URL that carries credentials — ioredis would take the URL's and silently ignore
 * them. The password is masked in the error, like every secret-named field. `prefix` names
 * nested fields (`redis.`).
 *
 * @example
 * ```ts
 * checkOptions('createRedis', [['url', url, REDIS_URL.test(url), 'a redis:// URL'], ...redisCredentialChecks(url, options)]);
 * ```
 */
export function redisCredentialChecks(
  url: string,
  fields: RedisCredentialFields,
  prefix = '',
): OptionCheck[] {
  const { username, password, tls } = fields;
  // ioredis takes the URL's user name and password, even an empty one, over the options.
  const inUrl = URL_CREDENTIALS.test(url);
  return [
    [
      `${prefix}username`,
      username,
      username === undefined || (typeof username === 'string' && /^\S+$/.test(username) && !inUrl),
      'a user name without spaces, and no credentials in the url',
    ],
    [
      `${prefix}password`,
      password,
      password === undefined
        ? username === undefined
        : typeof password === 'string' && password !== '' && !inUrl,
      'a non-empty string (required with a username), and no credentials in the url',
    ],
    [
      `${prefix}tls`,
      '[tls options]',
      // JavaScript callers may pass anything.
      tls === undefined || (typeof tls === 'object' && (tls as unknown) !== null),
      'TLS options (an object)',
    ],
  ];
}
