import { envBoolean, envText, envUrl } from './env-parsers';
import { type EnvVar, envVar } from './env-var';
import { INFRA_DEFAULTS } from './infra-defaults';

/** Per-service defaults of {@link redisEnv}. */
export interface RedisEnvDefaults {
  /** Prefix of the service's cache keys, e.g. `sagaflow:orchestrator:`. */
  readonly keyPrefix: string;
}

/** The Redis section of a configuration schema. */
export interface RedisEnvSchema {
  /** `SAGAFLOW_REDIS_URL`: `redis://[user:password@]host:port[/db]`. @defaultValue `redis://127.0.0.1:6379` */
  readonly url: EnvVar<string>;
  /** `SAGAFLOW_REDIS_KEY_PREFIX`. @defaultValue the service's prefix */
  readonly keyPrefix: EnvVar<string>;
  /**
   * `SAGAFLOW_REDIS_USERNAME`: the ACL user, kept out of the URL; needs a password.
   * @defaultValue none: the URL's, else `default`
   */
  readonly username: EnvVar<string>;
  /**
   * `SAGAFLOW_REDIS_PASSWORD`: kept out of the URL (not both); never logged.
   * @defaultValue none: the URL's, else no `AUTH`
   */
  readonly password: EnvVar<string>;
  /** TLS to Redis. */
  readonly tls: {
    /**
     * `SAGAFLOW_REDIS_TLS`: connect over TLS, verifying the server's certificate; a
     * `rediss://` URL implies it. @defaultValue `false`
     */
    readonly enabled: EnvVar<boolean>;
    /**
     * `SAGAFLOW_REDIS_TLS_CA_FILE`: a PEM file of the CAs to trust instead of the system's
     * (a managed Redis's CA). @defaultValue none: the system's CAs
     */
    readonly caFile: EnvVar<string>;
  };
}

/**
 * Redis connection variables: the URL, the key prefix, credentials kept out of the URL, TLS.
 * `redisSecurity` of `@sagaflow/redis` turns the credentials and TLS into client options.
 *
 * @example
 * ```ts
 * readEnv({ redis: redisEnv({ keyPrefix: 'sagaflow:orchestrator:' }) }, process.env).redis.url;
 * ```
 */
export function redisEnv(defaults: RedisEnvDefaults): RedisEnvSchema {
  return {
    url: envVar('SAGAFLOW_REDIS_URL', envUrl(['redis', 'rediss'], INFRA_DEFAULTS.redis.url)),
    keyPrefix: envVar(
      'SAGAFLOW_REDIS_KEY_PREFIX',
      envText({
        default: defaults.keyPrefix,
        pattern: { regex: /^\S+$/, description: 'a key prefix without spaces' },
      }),
    ),
    username: envVar(
      'SAGAFLOW_REDIS_USERNAME',
      envText({
        default: '',
        allowEmpty: true,
        pattern: { regex: /^\S+$/, description: 'a user name without spaces' },
      }),
    ),
    password: envVar('SAGAFLOW_REDIS_PASSWORD', envText({ default: '', allowEmpty: true })),
    tls: {
      enabled: envVar('SAGAFLOW_REDIS_TLS', envBoolean(false)),
      caFile: envVar('SAGAFLOW_REDIS_TLS_CA_FILE', envText({ default: '', allowEmpty: true })),
    },
  };
}
