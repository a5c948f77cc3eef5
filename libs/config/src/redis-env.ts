import { envText, envUrl } from './env-parsers';
import { type EnvOutput, type EnvVar, envVar } from './env-var';
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
}

/** The Redis section of a loaded configuration. */
export type RedisEnvConfig = EnvOutput<RedisEnvSchema>;

/**
 * Redis connection variables.
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
  };
}
