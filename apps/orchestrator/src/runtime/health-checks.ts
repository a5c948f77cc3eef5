import { TransientError } from '@sagaflow/core';

import { type HealthCheck } from '../http/ports/health-check';

/** What {@link createHealthChecks} pings. */
export interface HealthCheckTargets {
  /** The Kafka admin client (not connected yet while the instance starts: then down). */
  readonly kafka: { describeCluster(): Promise<unknown> };
  /**
   * The replies consumer's state (`EventProcessConsumer.state`): ready only when `running` — not
   * while `joining` its group, nor `stopped` or `crashed`.
   */
  readonly consumerState: () => string;
  /** The orchestrator's data source. */
  readonly mysql: { query(sql: string): Promise<unknown> };
  /** The cache client. */
  readonly redis: { ping(): Promise<unknown> };
}

/**
 * The readiness checks of `GET /ready`: Kafka answers `DescribeCluster`, the replies
 * consumer runs (its state is in the report: `joining`, `running`, `stopped`, `crashed`),
 * MySQL answers `SELECT 1`, Redis answers `PING`. The HTTP API runs them in parallel, each
 * under its own short timeout. A restarted instance serves `POST /sagas` (MySQL only)
 * before it is ready: readiness says when it also applies replies.
 *
 * @example
 * ```ts
 * createHttpApi({ ...deps, healthChecks: createHealthChecks({ kafka: admin, consumerState: () => consumer.state, mysql: dataSource, redis }) });
 * ```
 */
export function createHealthChecks(targets: HealthCheckTargets): HealthCheck[] {
  return [
    {
      name: 'kafka',
      check: async () => {
        await targets.kafka.describeCluster();
      },
    },
    {
      name: 'consumer',
      state: targets.consumerState,
      check: () => {
        const state = targets.consumerState();
        return state === 'running'
          ? Promise.resolve()
          : Promise.reject(
              // Still joining its group, or stopped for good: not ready although Kafka
              // answers. A join completes, and a restart recovers a crashed consumer.
              new TransientError(
                'CONSUMER_NOT_RUNNING',
                `the replies consumer is ${state}, not consuming`,
                { context: { state } },
              ),
            );
      },
    },
    {
      name: 'mysql',
      check: async () => {
        await targets.mysql.query('SELECT 1');
      },
    },
    {
      name: 'redis',
      check: async () => {
        await targets.redis.ping();
      },
    },
  ];
}
