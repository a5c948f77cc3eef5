import { InvalidArgumentError } from '@sagaflow/core';

import { resolveStackOptions } from './stack';
import { redisDatabaseUrl } from './stack-resources';

describe('resolveStackOptions', () => {
  it('defaults to a test stack on the local services', () => {
    expect(resolveStackOptions({})).toEqual({
      mode: 'test',
      infra: {
        kafkaBrokers: ['127.0.0.1:9092'],
        mysql: { host: '127.0.0.1', port: 3306, user: 'root', password: '', driver: 'mariadb' },
        redisUrl: 'redis://127.0.0.1:6379',
      },
      commonEnv: {},
      env: {},
      logLevel: 'info',
      topicPartitions: 3,
      readyTimeoutMs: 90_000,
      stopTimeoutMs: 40_000,
      orchestrators: 1,
    });
  });

  it('keeps what is given', () => {
    const resolved = resolveStackOptions({
      mode: 'demo',
      infra: { redisUrl: 'redis://127.0.0.1:6379/7' },
      env: { orchestrator: { SAGAFLOW_PLACE_ORDER_STEP_TIMEOUT_MS: '2000' } },
      logLevel: 'warn',
      readyTimeoutMs: 5_000,
    });
    expect(resolved).toMatchObject({
      mode: 'demo',
      infra: { redisUrl: 'redis://127.0.0.1:6379/7', kafkaBrokers: ['127.0.0.1:9092'] },
      env: { orchestrator: { SAGAFLOW_PLACE_ORDER_STEP_TIMEOUT_MS: '2000' } },
      logLevel: 'warn',
      readyTimeoutMs: 5_000,
    });
  });

  it('names every bad field and its value', () => {
    const bad = () =>
      resolveStackOptions({
        mode: 'prod' as 'test',
        infra: { kafkaBrokers: [], redisUrl: 'http://x' },
        env: { 'shipping-service': {} } as Record<string, Record<string, string>>,
        topicPartitions: 0,
        readyTimeoutMs: 1.5,
        orchestrators: 3 as 2,
      });
    expect(bad).toThrow(InvalidArgumentError);
    expect(bad).toThrow(
      "startStack: invalid options: mode=\"prod\" (expected 'test' or 'demo'); infra.kafkaBrokers=[] " +
        '(expected a non-empty list of host:port); infra.redisUrl="http://x" (expected a redis:// URL); ' +
        'env=["shipping-service"] (expected keys among orchestrator, order-service, payment-service, inventory-service); ' +
        'topicPartitions=0 (expected an integer > 0); readyTimeoutMs=1.5 (expected an integer > 0); ' +
        'orchestrators=3 (expected 1 or 2)',
    );
  });
});

describe('redisDatabaseUrl', () => {
  it('points at another database of the same server', () => {
    expect(redisDatabaseUrl('redis://127.0.0.1:6379', 7)).toBe('redis://127.0.0.1:6379/7');
    expect(redisDatabaseUrl('redis://u:p@host:6380/2', 11)).toBe('redis://u:p@host:6380/11');
  });
});
