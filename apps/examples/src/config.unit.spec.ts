import { InvalidArgumentError } from '@sagaflow/core';

import { type ExampleServiceName, loadServiceConfig } from './config';

describe('loadServiceConfig', () => {
  it.each<[ExampleServiceName, string, number]>([
    ['order-service', 'sagaflow_orders', 8081],
    ['payment-service', 'sagaflow_payments', 8082],
    ['inventory-service', 'sagaflow_inventory', 8083],
  ])('gives %s its own database %s and port %d by default', (name, database, port) => {
    expect(loadServiceConfig(name, {})).toEqual({
      serviceName: name,
      logLevel: 'info',
      http: { host: '127.0.0.1', port },
      kafka: {
        brokers: ['127.0.0.1:9092'],
        clientId: `sagaflow-${name}`,
        ssl: { enabled: false, caFile: '' },
        sasl: { mechanism: 'none', username: '', password: '' },
      },
      mysql: {
        host: '127.0.0.1',
        port: 3306,
        user: 'root',
        password: '',
        database,
        driver: 'mariadb',
        poolSize: 10,
        ssl: { enabled: false, caFile: '' },
      },
      redis: {
        url: 'redis://127.0.0.1:6379',
        keyPrefix: `sagaflow:${name}:`,
        username: '',
        password: '',
        tls: { enabled: false, caFile: '' },
      },
      topics: { prefix: 'sagaflow.', partitions: 3 },
      workerConcurrency: 4,
      eventProcessLeaseMs: 60_000,
      recoveryIntervalMs: 30_000,
      handlerAttempts: 5,
      instanceId: null,
    });
  });

  it('reads overrides', () => {
    const config = loadServiceConfig('payment-service', {
      SAGAFLOW_MYSQL_DATABASE: 'payments_eu',
      SAGAFLOW_MYSQL_PASSWORD: 'pw',
      SAGAFLOW_KAFKA_CLIENT_ID: 'payments-1',
      SAGAFLOW_WORKER_CONCURRENCY: '2',
      SAGAFLOW_EVENT_PROCESS_LEASE_MS: '5000',
      SAGAFLOW_RECOVERY_INTERVAL_MS: '2000',
      SAGAFLOW_HANDLER_ATTEMPTS: '3',
      SAGAFLOW_INSTANCE_ID: 'payments-0',
    });
    expect(config.mysql.database).toBe('payments_eu');
    expect(config.mysql.password).toBe('pw');
    expect(config.kafka.clientId).toBe('payments-1');
    expect(config).toMatchObject({
      workerConcurrency: 2,
      eventProcessLeaseMs: 5000,
      recoveryIntervalMs: 2000,
      handlerAttempts: 3,
      instanceId: 'payments-0',
    });
    expect(
      loadServiceConfig('payment-service', { SAGAFLOW_INSTANCE_ID: '' }).instanceId,
    ).toBeNull();
  });

  it('rejects a bad variable naming it and its value', () => {
    expect(() => loadServiceConfig('order-service', { SAGAFLOW_REDIS_URL: 'tcp://x' })).toThrow(
      InvalidArgumentError,
    );
    expect(() => loadServiceConfig('order-service', { SAGAFLOW_REDIS_URL: 'tcp://x' })).toThrow(
      'SAGAFLOW_REDIS_URL="tcp://x": expected a redis:// or rediss:// URL',
    );
    expect(() =>
      loadServiceConfig('inventory-service', { SAGAFLOW_WORKER_CONCURRENCY: '-1' }),
    ).toThrow('SAGAFLOW_WORKER_CONCURRENCY="-1": expected an integer from 1 to 256');
  });

  it.each([
    ['SAGAFLOW_EVENT_PROCESS_LEASE_MS', '500', 'an integer from 1000 to 3600000'],
    ['SAGAFLOW_RECOVERY_INTERVAL_MS', '30s', 'an integer from 1000 to 86400000'],
    ['SAGAFLOW_HANDLER_ATTEMPTS', '0', 'an integer from 1 to 100'],
    ['SAGAFLOW_INSTANCE_ID', 'pod:1', '1 to 128 characters [A-Za-z0-9._-]'],
  ])('rejects %s=%s', (variable, value, expected) => {
    expect(() => loadServiceConfig('order-service', { [variable]: value })).toThrow(
      `${variable}="${value}": expected ${expected}`,
    );
  });

  it('rejects an unknown service name', () => {
    expect(() => loadServiceConfig('shipping-service' as ExampleServiceName, {})).toThrow(
      InvalidArgumentError,
    );
    expect(() => loadServiceConfig('shipping-service' as ExampleServiceName, {})).toThrow(
      'serviceName="shipping-service" (expected one of order-service, payment-service, inventory-service)',
    );
  });
});
