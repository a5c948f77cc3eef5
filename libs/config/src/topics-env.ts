import { envInteger, envText } from './env-parsers';
import { type EnvVar, envVar } from './env-var';
import { INFRA_DEFAULTS } from './infra-defaults';

/** The topics section of a configuration schema. */
export interface TopicsEnvSchema {
  /** `SAGAFLOW_TOPIC_PREFIX`: prepended to every topic name. @defaultValue `sagaflow.` */
  readonly prefix: EnvVar<string>;
  /** `SAGAFLOW_TOPIC_PARTITIONS`: partitions of topics Sagaflow creates, 1–1000. @defaultValue `3` */
  readonly partitions: EnvVar<number>;
}

/**
 * Topic naming and sizing variables.
 *
 * @example
 * ```ts
 * readEnv({ topics: topicsEnv() }, process.env).topics.prefix; // 'sagaflow.'
 * ```
 */
export function topicsEnv(): TopicsEnvSchema {
  return {
    prefix: envVar(
      'SAGAFLOW_TOPIC_PREFIX',
      envText({
        default: INFRA_DEFAULTS.topics.prefix,
        pattern: {
          regex: /^[A-Za-z0-9._-]{1,200}$/,
          description: 'a topic name prefix of letters, digits, ".", "_" or "-" (at most 200)',
        },
      }),
    ),
    partitions: envVar(
      'SAGAFLOW_TOPIC_PARTITIONS',
      envInteger({ default: INFRA_DEFAULTS.topics.partitions, min: 1, max: 1000 }),
    ),
  };
}
