import { envEnum } from './env-parsers';
import { type EnvVar, envVar } from './env-var';
import { INFRA_DEFAULTS } from './infra-defaults';
import { LOG_LEVELS, type LogLevel } from './log-level';

/**
 * `SAGAFLOW_LOG_LEVEL`: one of {@link LOG_LEVELS}.
 *
 * @defaultValue `info`
 * @example
 * ```ts
 * readEnv({ logLevel: logLevelEnv() }, process.env).logLevel; // 'info'
 * ```
 */
export function logLevelEnv(): EnvVar<LogLevel> {
  return envVar('SAGAFLOW_LOG_LEVEL', envEnum(LOG_LEVELS, INFRA_DEFAULTS.logLevel));
}
