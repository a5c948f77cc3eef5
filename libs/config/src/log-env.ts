import { envEnum } from './env-parsers';
import { type EnvVar, envVar } from './env-var';
import { INFRA_DEFAULTS } from './infra-defaults';

/**
 * Log levels, most to least severe; `silent` logs nothing. A logger at level `info` writes
 * `error`, `warn` and `info` lines.
 */
export const LOG_LEVELS = ['silent', 'error', 'warn', 'info', 'debug'] as const;

/** One of {@link LOG_LEVELS}. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** True when `value` is one of {@link LOG_LEVELS}. */
export function isLogLevel(value: unknown): value is LogLevel {
  return typeof value === 'string' && (LOG_LEVELS as readonly string[]).includes(value);
}

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
