/**
 * One dependency `GET /ready` checks (Kafka, MySQL, Redis, …). Checks run in parallel,
 * each with a short timeout.
 *
 * @example
 * ```ts
 * const mysql: HealthCheck = { name: 'mysql', check: async () => { await dataSource.query('SELECT 1'); } };
 * ```
 */
export interface HealthCheck {
  /** Names the dependency in the readiness report, e.g. `mysql`. */
  readonly name: string;
  /**
   * Resolves when the dependency answers, rejects with why it does not. `signal` is
   * aborted when the check ran out of time: stop waiting then.
   */
  check(signal: AbortSignal): Promise<void>;
  /**
   * The state of the component, reported beside up or down (the replies consumer's
   * `joining`, `running`, …); read once the check settled.
   * @defaultValue not reported
   */
  readonly state?: () => string;
}
