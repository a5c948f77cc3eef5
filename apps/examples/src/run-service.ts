import { type Environment } from '@sagaflow/config';
import { ServiceLifecycle } from '@sagaflow/core';
import { createKafka, kafkaSecurity } from '@sagaflow/kafka';
import { createTopicNames } from '@sagaflow/messaging';
import {
  createLogger,
  createMetricsRegistry,
  kafkaLogCreator,
  type StructuredLogger,
} from '@sagaflow/observability';
import {
  createParticipant,
  createParticipantPrometheusMetrics,
  type Participant,
} from '@sagaflow/participant';
import { redisSecurity } from '@sagaflow/redis';
import { type DataSource } from 'typeorm';

import { type ExampleServiceName, loadServiceConfig, type ServiceConfig } from './config';
import { exampleServices } from './example-services';
import { type ServiceServer, startServiceServer } from './service-server';
import { participantSettings } from './participant-settings';
import { openServiceDatabase } from './service-database';

/** Options of {@link runService}. */
export interface RunServiceOptions {
  /** @defaultValue a JSON-lines logger on stdout at the configured level */
  readonly logger?: StructuredLogger;
  /** Overrides `SAGAFLOW_HTTP_PORT`; `0` picks a free port (tests). @defaultValue the configured port */
  readonly httpPort?: number;
}

/** A started example service. */
export interface RunningService {
  readonly config: ServiceConfig;
  readonly participant: Participant;
  readonly dataSource: DataSource;
  /** Where `/health`, `/ready`, `/stats`, `/metrics` and the admin routes answer. */
  readonly url: string;
  /**
   * Stops HTTP, the participant (gracefully) and the database connections, in that order.
   * @throws ShutdownError naming every part that failed to close (the others are closed).
   */
  stop(): Promise<void>;
}

/**
 * Starts one example service from the environment (`SAGAFLOW_*`, see `loadServiceConfig`):
 * opens and migrates its database (creating it if needed), serves `/health`, `/ready`,
 * `/stats`, `/metrics` (Prometheus) and the participant's admin routes, and starts its
 * participant. `/ready` answers 200 once commands are consumed. On a failure, what was
 * started is stopped and the error is thrown.
 *
 * @example
 * ```ts
 * const service = await runService('payment-service', process.env);
 * process.once('SIGTERM', () => void service.stop());
 * ```
 */
export async function runService(
  serviceName: ExampleServiceName,
  env: Environment,
  options: RunServiceOptions = {},
): Promise<RunningService> {
  const config = loadServiceConfig(serviceName, env);
  // Redis credentials and TLS (its CA file read here) fail the start before anything opens.
  const redisConnection = redisSecurity(config.redis);
  const logger = options.logger ?? createLogger({ service: serviceName, level: config.logLevel });
  // The service starts and stops the way the participant and the orchestrator do: a failed
  // start closes what it opened, a stop closes HTTP, then the participant, then MySQL.
  const lifecycle = new ServiceLifecycle({ service: serviceName, logger });
  const started: { parts?: Omit<RunningService, 'stop'> } = {};
  await lifecycle.start(async () => {
    const dataSource = await openServiceDatabase(serviceName, config.mysql);
    lifecycle.opened('connections', 'mysql', () => dataSource.destroy());
    // A registry per service, so several services in one process (tests, the demo) each
    // export their own series.
    const metrics = createMetricsRegistry({ defaultLabels: { service: serviceName } });
    const participant = createParticipant({
      name: serviceName,
      dataSource,
      kafka: createKafka({
        brokers: config.kafka.brokers,
        clientId: config.kafka.clientId,
        logCreator: kafkaLogCreator(logger),
        ...kafkaSecurity(config.kafka),
      }),
      topics: createTopicNames({ prefix: config.topics.prefix }),
      redis: { url: config.redis.url, keyPrefix: config.redis.keyPrefix, ...redisConnection },
      handlers: exampleServices[serviceName].handlers,
      ...participantSettings(config),
      observer: createParticipantPrometheusMetrics(metrics, { participant: serviceName }),
      logger,
    });
    // Liveness answers while the participant starts; readiness once it runs.
    const http: ServiceServer = await startServiceServer({
      host: config.http.host,
      port: options.httpPort ?? config.http.port,
      participant,
      metrics,
      logger,
    });
    lifecycle.opened('intake', 'http', () => http.close());
    lifecycle.opened('work', 'participant', () => participant.stop());
    await participant.start();
    logger.info('service ready', { url: http.url, database: config.mysql.database });
    started.parts = { config, participant, dataSource, url: http.url };
  });
  const { parts } = started;
  if (parts === undefined) throw new Error('unreachable: the service started without its parts');
  return { ...parts, stop: () => lifecycle.stop() };
}
