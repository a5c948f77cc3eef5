import { type HealthCheck } from '../http/ports/health-check';
import { ConsumerStoppedError } from './consumer-stopped-error';

/** What {@link createHealthChecks} pings. */
export interface HealthCheckTargets {
  /** A connected Kafka admin client. */
  readonly kafka: { describeCluster(): Promise<unknown> };
  /** False once the replies consumer stopped consuming for good. */
  readonly consumerRunning: () => boolean;
  /** The orchestrator's data source. */
  readonly mysql: { query(sql: string): Promise<unknown> };
  /** The cache client. */
  readonly redis: { ping(): Promise<unknown> };
}

/**
 * The readiness checks of `GET /ready`: Kafka answers `DescribeCluster` and the replies
 * consumer is still consuming, MySQL answers `SELECT 1`, Redis answers `PING`. The HTTP
 * API runs them in parallel, each under its own short timeout.
 *
 * @example
 * ```ts
 * createHttpApi({ ...deps, healthChecks: createHealthChecks({ kafka: admin, consumerRunning, mysql: dataSource, redis }) });
 * ```
 */
export function createHealthChecks(targets: HealthCheckTargets): HealthCheck[] {
  return [
    {
      name: 'kafka',
      check: async () => {
        await targets.kafka.describeCluster();
        if (!targets.consumerRunning()) {
          throw new ConsumerStoppedError('the replies consumer is not consuming');
        }
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
