import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { InvalidArgumentError } from '@sagaflow/core';

import { loadOrchestratorConfig } from './config';
import { hashApiToken } from './http/api-tokens';

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
      api: {
        auth: 'on',
        tokens: [],
        tokensFile: '',
        metricsPublic: true,
        writeRateLimitPerMinute: 120,
        bodyLimitBytes: 1_048_576,
        readyCheckTimeoutMs: 2000,
        stuckAfterMs: 300_000,
        statsCacheMs: 5000,
        dashboardDir: '',
        eventStream: {
          maxClients: 100,
          pollIntervalMs: 500,
          maxQueuedEvents: 1000,
          heartbeatMs: 15_000,
          gapGraceMs: 2000,
        },
      },
      kafka: {
        brokers: ['127.0.0.1:9092'],
        clientId: 'sagaflow-orchestrator',
        sessionTimeoutMs: 10_000,
        heartbeatIntervalMs: 1000,
        rebalanceTimeoutMs: 20_000,
        ssl: { enabled: false, caFile: '' },
        sasl: { mechanism: 'none', username: '', password: '' },
      },
      mysql: {
        host: '127.0.0.1',
        port: 3306,
        user: 'root',
        password: '',
        database: 'sagaflow',
        driver: 'mariadb',
        poolSize: 10,
        ssl: { enabled: false, caFile: '' },
      },
      redis: {
        url: 'redis://127.0.0.1:6379',
        keyPrefix: 'sagaflow:orchestrator:',
        username: '',
        password: '',
        tls: { enabled: false, caFile: '' },
      },
      topics: { prefix: 'sagaflow.', partitions: 3 },
      workerConcurrency: 4,
      relayDelivery: 'idempotent',
      timerHoldMs: 2000,
      outboxPollIntervalMs: 1000,
      eventProcessLeaseMs: 15_000,
      reconciliationIntervalMs: 60_000,
      retentionMs: 604_800_000,
      purgeIntervalMs: 300_000,
      admission: { maxPendingReplies: 10_000, maxInFlightSagas: 0 },
    });
  });

  it('requires the sagas module, naming the variable', () => {
    const read = () => loadOrchestratorConfig({ SAGAFLOW_SAGAS_MODULE: '  ' });

    expect(read).toThrow(InvalidArgumentError);
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
    expect(() => read({ SAGAFLOW_RETENTION_MS: '7d' })).toThrow(InvalidArgumentError);
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
      SAGAFLOW_EVENT_PROCESS_LEASE_MS: '30000',
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
          ssl: { enabled: false, caFile: '' },
          sasl: { mechanism: 'none', username: '', password: '' },
        },
        mysql: expect.objectContaining({
          host: 'mysql',
          driver: 'mysql',
          database: 'sagaflow_staging',
        }) as unknown,
        redis: expect.objectContaining({
          url: 'redis://redis:6379',
          keyPrefix: 'sagaflow:orchestrator:',
        }) as unknown,
        topics: { prefix: 'sagaflow.', partitions: 12 },
        workerConcurrency: 16,
        outboxPollIntervalMs: 250,
        eventProcessLeaseMs: 30_000,
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
    ['SAGAFLOW_EVENT_PROCESS_LEASE_MS', '999', 'an integer from 1000 to 3600000'],
    ['SAGAFLOW_INSTANCE_ID', 'pod 7', '1 to 128 characters [A-Za-z0-9._-]'],
    ['SAGAFLOW_RECONCILIATION_INTERVAL_MS', '1h', 'an integer from 1000 to 86400000'],
    ['SAGAFLOW_MYSQL_DRIVER', 'sqlite', 'one of mariadb, mysql'],
    ['SAGAFLOW_KAFKA_SESSION_TIMEOUT_MS', '500', 'an integer from 1000 to 1800000'],
    ['SAGAFLOW_ADMISSION_MAX_PENDING_REPLIES', '-1', 'an integer from 0 to 100000000'],
    ['SAGAFLOW_ADMISSION_MAX_IN_FLIGHT_SAGAS', 'many', 'an integer from 0 to 100000000'],
    ['SAGAFLOW_EVENT_STREAM_MAX_CLIENTS', '0', 'an integer from 1 to 100000'],
    ['SAGAFLOW_EVENT_STREAM_POLL_MS', '5', 'an integer from 10 to 60000'],
    ['SAGAFLOW_EVENT_STREAM_GAP_GRACE_MS', '-1', 'an integer from 0 to 60000'],
  ])('rejects %s=%s', (variable, value, expected) => {
    expect(() => loadOrchestratorConfig({ ...SAGAS, [variable]: value })).toThrow(
      InvalidArgumentError,
    );
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

    expect(read).toThrow(InvalidArgumentError);
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
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).issues.map((i) => i.field)).toEqual([
      'SAGAFLOW_SAGAS_MODULE',
      'SAGAFLOW_LOG_LEVEL',
      'SAGAFLOW_KAFKA_BROKERS',
      'SAGAFLOW_MYSQL_PORT',
    ]);
  });

  describe('API tokens', () => {
    const OPS = hashApiToken('sf_ops');
    const GRAFANA = hashApiToken('sf_grafana');
    let dir: string;

    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'sagaflow-tokens-'));
    });

    afterEach(() => {
      rmSync(dir, { recursive: true, force: true });
    });

    const load = (env: Record<string, string>) => loadOrchestratorConfig({ ...SAGAS, ...env }, dir);
    /** The message of the InvalidArgumentError `read` throws. */
    const messageOf = (read: () => unknown): string => {
      try {
        read();
      } catch (error: unknown) {
        expect(error).toBeInstanceOf(InvalidArgumentError);
        return (error as InvalidArgumentError).message;
      }
      throw new Error('expected an InvalidArgumentError');
    };

    it('reads SAGAFLOW_API_TOKENS (name:role:sha256, comma-separated) and the other API variables', () => {
      const config = load({
        SAGAFLOW_API_TOKENS: ` ops:operator:${OPS.toUpperCase()} , grafana:viewer:${GRAFANA},`,
        SAGAFLOW_API_AUTH: 'OFF',
        SAGAFLOW_METRICS_PUBLIC: 'false',
        SAGAFLOW_API_WRITE_RATE_LIMIT: '0',
        SAGAFLOW_HTTP_BODY_LIMIT_BYTES: '65536',
        SAGAFLOW_HTTP_READY_TIMEOUT_MS: '500',
        SAGAFLOW_STUCK_AFTER_MS: '600000',
        SAGAFLOW_STATS_CACHE_MS: '0',
        SAGAFLOW_DASHBOARD_DIR: 'web/dashboard',
        SAGAFLOW_EVENT_STREAM_MAX_CLIENTS: '5',
        SAGAFLOW_EVENT_STREAM_POLL_MS: '250',
        SAGAFLOW_EVENT_STREAM_MAX_QUEUED_EVENTS: '50',
        SAGAFLOW_EVENT_STREAM_HEARTBEAT_MS: '30000',
        SAGAFLOW_EVENT_STREAM_GAP_GRACE_MS: '0',
      });

      expect(config.api).toEqual({
        auth: 'off',
        tokens: [
          { name: 'ops', role: 'operator', sha256: OPS.toUpperCase() },
          { name: 'grafana', role: 'viewer', sha256: GRAFANA },
        ],
        tokensFile: '',
        metricsPublic: false,
        writeRateLimitPerMinute: 0,
        bodyLimitBytes: 65_536,
        readyCheckTimeoutMs: 500,
        stuckAfterMs: 600_000,
        statsCacheMs: 0,
        dashboardDir: 'web/dashboard',
        eventStream: {
          maxClients: 5,
          pollIntervalMs: 250,
          maxQueuedEvents: 50,
          heartbeatMs: 30_000,
          gapGraceMs: 0,
        },
      });
    });

    it('reads SAGAFLOW_API_TOKENS_FILE, relative to the working directory, with the variable', () => {
      writeFileSync(
        join(dir, 'tokens.json'),
        JSON.stringify([{ name: 'grafana', role: 'viewer', sha256: GRAFANA }]),
      );

      const config = load({
        SAGAFLOW_API_TOKENS: `ops:admin:${OPS}`,
        SAGAFLOW_API_TOKENS_FILE: 'tokens.json',
      });

      expect(config.api.tokens).toEqual([
        { name: 'ops', role: 'admin', sha256: OPS },
        { name: 'grafana', role: 'viewer', sha256: GRAFANA },
      ]);
    });

    it('fails on an unknown role, a malformed hash or a duplicate name, naming each and showing no hash', () => {
      const message = messageOf(() =>
        load({
          SAGAFLOW_API_TOKENS: `ops:root:${OPS},grafana:viewer:${GRAFANA.slice(1)},ops:viewer:${OPS},x:${GRAFANA}:viewer`,
        }),
      );

      expect(message).toContain('SAGAFLOW_API_TOKENS=[REDACTED]: expected comma-separated');
      expect(message).toContain(`entry 1 ('ops'): role "root" is not viewer, operator or admin`);
      expect(message).toContain(`entry 2 ('grafana'): sha256 must be 64 hex digits`);
      expect(message).toContain(`entry 3 ('ops'): the name is taken by an earlier entry`);
      expect(message).toContain(`entry 4 ('x'): role is not viewer, operator or admin`);
      expect(message).not.toContain(OPS.slice(0, 16));
      expect(message).not.toContain(GRAFANA.slice(1, 17));
    });

    it('fails on a file that cannot be read, is not JSON, or holds a bad entry, naming the file', () => {
      writeFileSync(join(dir, 'broken.json'), '[{"name": ');
      writeFileSync(
        join(dir, 'bad.json'),
        JSON.stringify([{ name: 'ci bot', role: 'operator', sha256: OPS, note: 'x' }]),
      );

      expect(messageOf(() => load({ SAGAFLOW_API_TOKENS_FILE: 'missing.json' }))).toContain(
        'SAGAFLOW_API_TOKENS_FILE="missing.json": expected a readable file (ENOENT)',
      );
      expect(messageOf(() => load({ SAGAFLOW_API_TOKENS_FILE: 'broken.json' }))).toContain(
        '(the file is not JSON)',
      );
      const bad = messageOf(() => load({ SAGAFLOW_API_TOKENS_FILE: 'bad.json' }));
      expect(bad).toContain('entry 1: name must be 1 to 64 characters of [A-Za-z0-9._-]');
      expect(bad).toContain('entry 1: unknown field note');
      expect(bad).not.toContain(OPS.slice(0, 16));
    });

    it('fails on a name in both variables', () => {
      writeFileSync(
        join(dir, 'tokens.json'),
        JSON.stringify([{ name: 'ops', role: 'viewer', sha256: GRAFANA }]),
      );

      expect(
        messageOf(() =>
          load({
            SAGAFLOW_API_TOKENS: `ops:operator:${OPS}`,
            SAGAFLOW_API_TOKENS_FILE: 'tokens.json',
          }),
        ),
      ).toContain('(names ops): expected token names not also in SAGAFLOW_API_TOKENS');
    });

    it('rejects a rate limit, body limit or ready timeout out of range, and an unknown auth mode', () => {
      expect(() => load({ SAGAFLOW_API_WRITE_RATE_LIMIT: '-1' })).toThrow(
        'SAGAFLOW_API_WRITE_RATE_LIMIT="-1": expected an integer from 0 to 1000000',
      );
      expect(() => load({ SAGAFLOW_API_AUTH: 'maybe' })).toThrow(
        'SAGAFLOW_API_AUTH="maybe": expected one of on, off',
      );
      expect(() => load({ SAGAFLOW_HTTP_BODY_LIMIT_BYTES: '100' })).toThrow(
        'SAGAFLOW_HTTP_BODY_LIMIT_BYTES="100": expected an integer from 1024 to 67108864',
      );
      expect(() => load({ SAGAFLOW_HTTP_READY_TIMEOUT_MS: '0' })).toThrow(
        'SAGAFLOW_HTTP_READY_TIMEOUT_MS="0": expected an integer from 10 to 60000',
      );
    });
  });
});
