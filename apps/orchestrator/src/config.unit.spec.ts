import { ConfigError } from '@sagaflow/config';

import { loadOrchestratorConfig } from './config';

/** The one variable without a default. */
const SAGAS = { SAGAFLOW_SAGAS_MODULE: './dist/sagas.js' };

describe('loadOrchestratorConfig', () => {
  it('defaults to the local infrastructure', () => {
    expect(loadOrchestratorConfig(SAGAS)).toEqual({
      sagasModule: './dist/sagas.js',
      instanceId: null,
      serviceName: 'orchestrator',
      logLevel: 'info',
      http: { host: '127.0.0.1', port: 8080 },
      kafka: {
        brokers: ['127.0.0.1:9092'],
        clientId: 'sagaflow-orchestrator',
        sessionTimeoutMs: 10_000,
        heartbeatIntervalMs: 1000,
        rebalanceTimeoutMs: 20_000,
      },
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
      relayDelivery: 'idempotent',
      timerHoldMs: 2000,
      outboxPollIntervalMs: 1000,
      inboxLeaseMs: 15_000,
      reconciliationIntervalMs: 60_000,
      retentionMs: 604_800_000,
      purgeIntervalMs: 300_000,
      admission: { maxPendingReplies: 10_000, maxInFlightSagas: 0 },
    });
  });

  it('requires the sagas module, naming the variable', () => {
    const read = () => loadOrchestratorConfig({ SAGAFLOW_SAGAS_MODULE: '  ' });

    expect(read).toThrow(ConfigError);
    expect(read).toThrow('SAGAFLOW_SAGAS_MODULE="  ": expected a non-empty string (required)');
    expect(() => loadOrchestratorConfig({})).toThrow(
      'SAGAFLOW_SAGAS_MODULE=(unset): expected a non-empty string (required)',
    );
  });

  it('reads the instance id, and leaves it to each process when unset or empty', () => {
    expect(loadOrchestratorConfig({ ...SAGAS, SAGAFLOW_INSTANCE_ID: 'pod-7' }).instanceId).toBe(
      'pod-7',
    );
    expect(loadOrchestratorConfig({ ...SAGAS, SAGAFLOW_INSTANCE_ID: '' }).instanceId).toBeNull();
  });

  it('reads the relay delivery, and refuses an unknown one', () => {
    const read = (value: string) =>
      loadOrchestratorConfig({ ...SAGAS, SAGAFLOW_RELAY_DELIVERY: value }).relayDelivery;

    expect(read('transactional')).toBe('transactional');
    expect(read('Idempotent')).toBe('idempotent');
    expect(() => read('exactly-once')).toThrow(
      'SAGAFLOW_RELAY_DELIVERY="exactly-once": expected one of idempotent, transactional',
    );
  });

  it('reads the retention of finished rows and the purge interval, within their bounds', () => {
    const read = (env: Record<string, string>) => {
      const { retentionMs, purgeIntervalMs } = loadOrchestratorConfig({ ...SAGAS, ...env });
      return { retentionMs, purgeIntervalMs };
    };

    expect(
      read({ SAGAFLOW_RETENTION_MS: '86400000', SAGAFLOW_PURGE_INTERVAL_MS: '60000' }),
    ).toEqual({ retentionMs: 86_400_000, purgeIntervalMs: 60_000 });
    expect(read({ SAGAFLOW_RETENTION_MS: '60000', SAGAFLOW_PURGE_INTERVAL_MS: '1000' })).toEqual({
      retentionMs: 60_000,
      purgeIntervalMs: 1000,
    });
    expect(() => read({ SAGAFLOW_RETENTION_MS: '59999' })).toThrow(
      'SAGAFLOW_RETENTION_MS="59999": expected an integer from 60000 to 315360000000',
    );
    expect(() => read({ SAGAFLOW_RETENTION_MS: '7d' })).toThrow(ConfigError);
    expect(() => read({ SAGAFLOW_PURGE_INTERVAL_MS: '999' })).toThrow(
      'SAGAFLOW_PURGE_INTERVAL_MS="999": expected an integer from 1000 to 86400000',
    );
  });

  it('reads overrides', () => {
    const config = loadOrchestratorConfig({
      SAGAFLOW_SAGAS_MODULE: '@acme/sagas',
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
      SAGAFLOW_INBOX_LEASE_MS: '30000',
      SAGAFLOW_RECONCILIATION_INTERVAL_MS: '5000',
      SAGAFLOW_KAFKA_SESSION_TIMEOUT_MS: '6000',
      SAGAFLOW_KAFKA_HEARTBEAT_INTERVAL_MS: '2000',
      SAGAFLOW_KAFKA_REBALANCE_TIMEOUT_MS: '15000',
      SAGAFLOW_ADMISSION_MAX_PENDING_REPLIES: '0',
      SAGAFLOW_ADMISSION_MAX_IN_FLIGHT_SAGAS: '5000',
    });
    expect(config).toEqual(
      expect.objectContaining({
        sagasModule: '@acme/sagas',
        serviceName: 'orchestrator-2',
        http: { host: '0.0.0.0', port: 9080 },
        kafka: {
          brokers: ['kafka:19092'],
          clientId: 'sagaflow-orchestrator',
          sessionTimeoutMs: 6000,
          heartbeatIntervalMs: 2000,
          rebalanceTimeoutMs: 15_000,
        },
        mysql: expect.objectContaining({
          host: 'mysql',
          driver: 'mysql',
          database: 'sagaflow_staging',
        }) as unknown,
        redis: { url: 'redis://redis:6379', keyPrefix: 'sagaflow:orchestrator:' },
        topics: { prefix: 'sagaflow.', partitions: 12 },
        workerConcurrency: 16,
        outboxPollIntervalMs: 250,
        inboxLeaseMs: 30_000,
        reconciliationIntervalMs: 5000,
        admission: { maxPendingReplies: 0, maxInFlightSagas: 5000 },
      }),
    );
  });

  it.each([
    ['SAGAFLOW_SERVICE_NAME', 'Orchestrator', 'lower-case letters, digits and "-"'],
    ['SAGAFLOW_HTTP_PORT', '80a', 'an integer from 1 to 65535'],
    ['SAGAFLOW_WORKER_CONCURRENCY', '0', 'an integer from 1 to 256'],
    ['SAGAFLOW_OUTBOX_POLL_INTERVAL_MS', '5', 'an integer from 10 to 60000'],
    ['SAGAFLOW_INBOX_LEASE_MS', '999', 'an integer from 1000 to 3600000'],
    ['SAGAFLOW_INSTANCE_ID', 'pod 7', '1 to 128 characters [A-Za-z0-9._-]'],
    ['SAGAFLOW_RECONCILIATION_INTERVAL_MS', '1h', 'an integer from 1000 to 86400000'],
    ['SAGAFLOW_MYSQL_DRIVER', 'sqlite', 'one of mariadb, mysql'],
    ['SAGAFLOW_KAFKA_SESSION_TIMEOUT_MS', '500', 'an integer from 1000 to 1800000'],
    ['SAGAFLOW_ADMISSION_MAX_PENDING_REPLIES', '-1', 'an integer from 0 to 100000000'],
    ['SAGAFLOW_ADMISSION_MAX_IN_FLIGHT_SAGAS', 'many', 'an integer from 0 to 100000000'],
  ])('rejects %s=%s', (variable, value, expected) => {
    expect(() => loadOrchestratorConfig({ ...SAGAS, [variable]: value })).toThrow(ConfigError);
    expect(() => loadOrchestratorConfig({ ...SAGAS, [variable]: value })).toThrow(
      `${variable}="${value}": expected ${expected}`,
    );
  });

  it('wants the heartbeat at most a third of the session timeout', () => {
    const read = () =>
      loadOrchestratorConfig({
        ...SAGAS,
        SAGAFLOW_KAFKA_SESSION_TIMEOUT_MS: '6000',
        SAGAFLOW_KAFKA_HEARTBEAT_INTERVAL_MS: '2500',
      });

    expect(read).toThrow(ConfigError);
    expect(read).toThrow(
      'SAGAFLOW_KAFKA_HEARTBEAT_INTERVAL_MS="2500": expected at most a third of SAGAFLOW_KAFKA_SESSION_TIMEOUT_MS (6000)',
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
      'SAGAFLOW_SAGAS_MODULE',
      'SAGAFLOW_LOG_LEVEL',
      'SAGAFLOW_KAFKA_BROKERS',
      'SAGAFLOW_MYSQL_PORT',
    ]);
  });
});
