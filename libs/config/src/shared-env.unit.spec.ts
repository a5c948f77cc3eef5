import { InvalidArgumentError } from '@sagaflow/core';

import { httpEnv } from './http-env';
import { instanceIdEnv, safeName } from './instance-id-env';
import { kafkaEnv } from './kafka-env';
import { logLevelEnv } from './log-env';
import { mysqlEnv } from './mysql-env';
import { readEnv } from './read-env';
import { redisEnv } from './redis-env';
import { topicsEnv } from './topics-env';
import { eventProcessLeaseEnv, workerConcurrencyEnv } from './worker-env';

const schema = {
  kafka: kafkaEnv({ clientId: 'sagaflow-test' }),
  mysql: mysqlEnv({ database: 'sagaflow_test' }),
  redis: redisEnv({ keyPrefix: 'sagaflow:test:' }),
  http: httpEnv({ port: 8090 }),
  topics: topicsEnv(),
  logLevel: logLevelEnv(),
  instanceId: instanceIdEnv(),
  workerConcurrency: workerConcurrencyEnv(),
  eventProcessLeaseMs: eventProcessLeaseEnv({ leaseMs: 20_000 }),
};

describe('shared configuration fragments', () => {
  it('default to the local infrastructure', () => {
    expect(readEnv(schema, {})).toEqual({
      kafka: {
        brokers: ['127.0.0.1:9092'],
        clientId: 'sagaflow-test',
        ssl: { enabled: false, caFile: '' },
        sasl: { mechanism: 'none', username: '', password: '' },
      },
      mysql: {
        host: '127.0.0.1',
        port: 3306,
        user: 'root',
        password: '',
        database: 'sagaflow_test',
        driver: 'mariadb',
        poolSize: 10,
        ssl: { enabled: false, caFile: '' },
      },
      redis: {
        url: 'redis://127.0.0.1:6379',
        keyPrefix: 'sagaflow:test:',
        username: '',
        password: '',
        tls: { enabled: false, caFile: '' },
      },
      http: { host: '127.0.0.1', port: 8090 },
      topics: { prefix: 'sagaflow.', partitions: 3 },
      logLevel: 'info',
      instanceId: null,
      workerConcurrency: 4,
      eventProcessLeaseMs: 20_000,
    });
  });

  it('read every SAGAFLOW_* override', () => {
    const config = readEnv(schema, {
      SAGAFLOW_KAFKA_BROKERS: 'k1:9092,k2:9092',
      SAGAFLOW_KAFKA_CLIENT_ID: 'svc-1',
      SAGAFLOW_KAFKA_SSL: 'true',
      SAGAFLOW_KAFKA_SSL_CA_FILE: '/etc/kafka/ca.pem',
      SAGAFLOW_KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
      SAGAFLOW_KAFKA_SASL_USERNAME: 'svc',
      SAGAFLOW_KAFKA_SASL_PASSWORD: 'kafka-pw',
      SAGAFLOW_MYSQL_HOST: 'mysql',
      SAGAFLOW_MYSQL_PORT: '3307',
      SAGAFLOW_MYSQL_USER: 'app',
      SAGAFLOW_MYSQL_PASSWORD: 'pw',
      SAGAFLOW_MYSQL_DATABASE: 'other_db',
      SAGAFLOW_MYSQL_DRIVER: 'mysql',
      SAGAFLOW_MYSQL_POOL_SIZE: '20',
      SAGAFLOW_MYSQL_SSL: 'yes',
      SAGAFLOW_MYSQL_SSL_CA_FILE: '/etc/mysql/ca.pem',
      SAGAFLOW_REDIS_URL: 'redis://redis:6379/1',
      SAGAFLOW_REDIS_KEY_PREFIX: 'x:',
      SAGAFLOW_REDIS_USERNAME: 'svc-orders',
      SAGAFLOW_REDIS_PASSWORD: 'redis-pw',
      SAGAFLOW_REDIS_TLS: 'true',
      SAGAFLOW_REDIS_TLS_CA_FILE: '/etc/redis/ca.pem',
      SAGAFLOW_HTTP_HOST: '0.0.0.0',
      SAGAFLOW_HTTP_PORT: '9999',
      SAGAFLOW_TOPIC_PREFIX: 'acme.',
      SAGAFLOW_TOPIC_PARTITIONS: '12',
      SAGAFLOW_LOG_LEVEL: 'debug',
      SAGAFLOW_INSTANCE_ID: 'pod-7',
      SAGAFLOW_WORKER_CONCURRENCY: '16',
      SAGAFLOW_EVENT_PROCESS_LEASE_MS: '30000',
    });
    expect(config).toEqual({
      kafka: {
        brokers: ['k1:9092', 'k2:9092'],
        clientId: 'svc-1',
        ssl: { enabled: true, caFile: '/etc/kafka/ca.pem' },
        sasl: { mechanism: 'scram-sha-512', username: 'svc', password: 'kafka-pw' },
      },
      mysql: {
        host: 'mysql',
        port: 3307,
        user: 'app',
        password: 'pw',
        database: 'other_db',
        driver: 'mysql',
        poolSize: 20,
        ssl: { enabled: true, caFile: '/etc/mysql/ca.pem' },
      },
      redis: {
        url: 'redis://redis:6379/1',
        keyPrefix: 'x:',
        username: 'svc-orders',
        password: 'redis-pw',
        tls: { enabled: true, caFile: '/etc/redis/ca.pem' },
      },
      http: { host: '0.0.0.0', port: 9999 },
      topics: { prefix: 'acme.', partitions: 12 },
      logLevel: 'debug',
      instanceId: 'pod-7',
      workerConcurrency: 16,
      eventProcessLeaseMs: 30_000,
    });
  });

  it('read an empty instance id as none', () => {
    expect(readEnv(schema, { SAGAFLOW_INSTANCE_ID: '' }).instanceId).toBeNull();
  });

  it.each([
    ['SAGAFLOW_KAFKA_BROKERS', '127.0.0.1', 'a comma-separated list of host:port'],
    ['SAGAFLOW_KAFKA_CLIENT_ID', 'has space', 'letters, digits, ".", "_" or "-"'],
    ['SAGAFLOW_MYSQL_HOST', 'mysql://db', 'a host name or IP address'],
    ['SAGAFLOW_MYSQL_PORT', '33o6', 'an integer from 1 to 65535'],
    ['SAGAFLOW_MYSQL_DATABASE', 'my-db', 'a database name of letters, digits and "_" (at most 64)'],
    ['SAGAFLOW_MYSQL_DRIVER', 'postgres', 'one of mariadb, mysql'],
    ['SAGAFLOW_MYSQL_POOL_SIZE', '0', 'an integer from 1 to 100'],
    ['SAGAFLOW_MYSQL_SSL', 'sometimes', 'true or false'],
    ['SAGAFLOW_KAFKA_SSL', 'tls', 'true or false'],
    ['SAGAFLOW_KAFKA_SASL_MECHANISM', 'gssapi', 'one of none, plain, scram-sha-256, scram-sha-512'],
    ['SAGAFLOW_REDIS_URL', 'localhost:6379', 'a redis:// or rediss:// URL'],
    ['SAGAFLOW_REDIS_KEY_PREFIX', 'a b', 'a key prefix without spaces'],
    ['SAGAFLOW_REDIS_USERNAME', 'svc orders', 'a user name without spaces'],
    ['SAGAFLOW_REDIS_TLS', 'sometimes', 'true or false'],
    ['SAGAFLOW_HTTP_HOST', '0.0.0.0:80', 'a host name or IP address'],
    ['SAGAFLOW_HTTP_PORT', '65536', 'an integer from 1 to 65535'],
    [
      'SAGAFLOW_TOPIC_PREFIX',
      'sagaflow/',
      'a topic name prefix of letters, digits, ".", "_" or "-" (at most 200)',
    ],
    ['SAGAFLOW_TOPIC_PARTITIONS', 'three', 'an integer from 1 to 1000'],
    ['SAGAFLOW_LOG_LEVEL', 'verbose', 'one of silent, error, warn, info, debug'],
    ['SAGAFLOW_INSTANCE_ID', 'pod 7', '1 to 128 characters [A-Za-z0-9._-]'],
    ['SAGAFLOW_WORKER_CONCURRENCY', '0', 'an integer from 1 to 256'],
    ['SAGAFLOW_EVENT_PROCESS_LEASE_MS', '999', 'an integer from 1000 to 3600000'],
  ])('reject %s=%s naming the variable, the value and the form', (variable, value, form) => {
    expect(() => readEnv(schema, { [variable]: value })).toThrow(InvalidArgumentError);
    expect(() => readEnv(schema, { [variable]: value })).toThrow(
      `${variable}=${JSON.stringify(value)}: expected ${form}`,
    );
  });

  it('never shows credentials of a rejected Redis URL', () => {
    let message = '';
    try {
      readEnv(schema, { SAGAFLOW_REDIS_URL: 'http://:topsecret@redis:6379' });
    } catch (e) {
      message = e instanceof Error ? e.message : '';
    }
    expect(message).toContain('SAGAFLOW_REDIS_URL');
    expect(message).not.toContain('topsecret');
  });
});

describe('safeName', () => {
  it('replaces every character outside [A-Za-z0-9._-] with -', () => {
    expect(safeName('sagaflow:payment-service:')).toBe('sagaflow-payment-service-');
    expect(safeName('host name/ü')).toBe('host-name--');
    expect(safeName('ok.name_1-2')).toBe('ok.name_1-2');
  });

  it('turns a Redis key prefix into a BullMQ queue prefix', () => {
    expect(safeName('sagaflow:orchestrator:')).toBe('sagaflow-orchestrator-');
    expect(safeName('team.a_b-c:')).toBe('team.a_b-c-');
    expect(safeName('a{b}#c')).toBe('a-b--c');
  });
});
