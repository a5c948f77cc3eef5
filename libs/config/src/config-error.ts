import { SagaflowError, type SagaflowErrorOptions } from '@sagaflow/core';

/** One environment variable that failed validation. */
export interface ConfigIssue {
  /** The variable's name, e.g. `SAGAFLOW_MYSQL_PORT`. */
  readonly variable: string;
  /** Its value as shown to humans: quoted, secrets masked; `(unset)` when missing. */
  readonly value: string;
  /** The form the variable must have, e.g. `an integer from 1 to 65535`. */
  readonly expected: string;
}

/**
 * The environment does not describe a valid configuration. Raised at start-up by
 * {@link readEnv}; the message names every bad variable, its (masked) value and the
 * expected form, so one run shows everything to fix. Terminal.
 *
 * @example
 * ```ts
 * try { loadOrchestratorConfig(process.env); }
 * catch (e) { if (e instanceof ConfigError) { logger.error(e.message); process.exit(78); } throw e; }
 * ```
 */
export class ConfigError extends SagaflowError {
  readonly code = 'CONFIG_INVALID';
  readonly retryable = false;
  /** Every variable that failed, in declaration order. */
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[], options?: SagaflowErrorOptions) {
    super(
      [
        `invalid configuration (${issues.length} ${issues.length === 1 ? 'variable' : 'variables'}):`,
        ...issues.map((i) => `  ${i.variable}=${i.value}: expected ${i.expected}`),
      ].join('\n'),
      options,
    );
    this.issues = issues;
  }
}
