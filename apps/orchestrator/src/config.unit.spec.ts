import { ConfigError } from '@sagaflow/config';

import { loadOrchestratorConfig } from './config';

describe('loadOrchestratorConfig', () => {
  it('defaults to the local infrastructure', () => {
    expect(loadOrchestratorConfig({})).toEqual({
      serviceName: 'orchestrator',
      logLevel: 'info',
      http: { host: '127.0.0.1', port: 8080 },
      kafka: { brokers: ['127.0.0.1:9092'], clientId: 'sagaflow-orchestrator' },
      mysql: {
        host: '127.0.0.1',
        port: 3306,
        user: 'root',
        password: '',
        database: 'sagaflow',
        driver: 'mariadb',
        poolSize: 10,
      },
      redis: { url: 'redis://127.0.0.1:6379', keyPrefix: 'sagaflow:orchestrator:' },
      topics: { prefix: 'sagaflow.', partitions: 3 },
      workerConcurrency: 4,
      outboxPollIntervalMs: 1000,
      reconciliationIntervalMs: 60_000,
    });
  });

  it('reads overrides', () => {
    const config = loadOrchestratorConfig({
      SAGAFLOW_SERVICE_NAME: 'orchestrator-2',
      SAGAFLOW_HTTP_HOST: '0.0.0.0',
      SAGAFLOW_HTTP_PORT: '9080',
      SAGAFLOW_KAFKA_BROKERS: 'kafka:19092',
      SAGAFLOW_MYSQL_HOST: 'mysql',
      SAGAFLOW_MYSQL_DRIVER: 'mysql',
      SAGAFLOW_MYSQL_DATABASE: 'sagaflow_staging',
      SAGAFLOW_REDIS_URL: 'redis://redis:6379',
      SAGAFLOW_TOPIC_PARTITIONS: '12',
      SAGAFLOW_WORKER_CONCURRENCY: '16',
      SAGAFLOW_OUTBOX_POLL_INTERVAL_MS: '250',
      SAGAFLOW_RECONCILIATION_INTERVAL_MS: '5000',
    });
    expect(config).toEqual(
      expect.objectContaining({
        serviceName: 'orchestrator-2',
        http: { host: '0.0.0.0', port: 9080 },
        kafka: { brokers: ['kafka:19092'], clientId: 'sagaflow-orchestrator' },
        mysql: expect.objectContaining({
          host: 'mysql',
          driver: 'mysql',
          database: 'sagaflow_staging',
        }) as unknown,
        redis: { url: 'redis://redis:6379', keyPrefix: 'sagaflow:orchestrator:' },
        topics: { prefix: 'sagaflow.', partitions: 12 },
        workerConcurrency: 16,
        outboxPollIntervalMs: 250,
        reconciliationIntervalMs: 5000,
      }),
    );
  });

  it.each([
    ['SAGAFLOW_SERVICE_NAME', 'Orchestrator', 'lower-case letters, digits and "-"'],
    ['SAGAFLOW_HTTP_PORT', '80a', 'an integer from 1 to 65535'],
    ['SAGAFLOW_WORKER_CONCURRENCY', '0', 'an integer from 1 to 256'],
    ['SAGAFLOW_OUTBOX_POLL_INTERVAL_MS', '5', 'an integer from 10 to 60000'],
    ['SAGAFLOW_RECONCILIATION_INTERVAL_MS', '1h', 'an integer from 1000 to 86400000'],
    ['SAGAFLOW_MYSQL_DRIVER', 'sqlite', 'one of mariadb, mysql'],
  ])('rejects %s=%s', (variable, value, expected) => {
    expect(() => loadOrchestratorConfig({ [variable]: value })).toThrow(ConfigError);
    expect(() => loadOrchestratorConfig({ [variable]: value })).toThrow(
      `${variable}="${value}": expected ${expected}`,
    );
  });

  it('lists every bad variable at once', () => {
    let error: unknown;
    try {
      loadOrchestratorConfig({
        SAGAFLOW_KAFKA_BROKERS: 'kafka',
        SAGAFLOW_MYSQL_PORT: 'x',
        SAGAFLOW_LOG_LEVEL: 'trace',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues.map((i) => i.variable)).toEqual([
      'SAGAFLOW_LOG_LEVEL',
      'SAGAFLOW_KAFKA_BROKERS',
      'SAGAFLOW_MYSQL_PORT',
    ]);
  });
});
