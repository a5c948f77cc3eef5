import { InvalidArgumentError } from '@sagaflow/core';

import { stackInfraFromEnv } from './stack-run';

describe('stackInfraFromEnv', () => {
  it('locates the local services when nothing is set', () => {
    const infra = stackInfraFromEnv('bench', {});

    expect(infra.kafkaBrokers).toEqual(['127.0.0.1:9092']);
    expect(infra.mysql).toMatchObject({ host: '127.0.0.1', port: 3306, user: 'root' });
    expect(infra.redisUrl).toBe('redis://127.0.0.1:6379');
  });

  it('reads the brokers, the MySQL server and the Redis URL from the environment', () => {
    const infra = stackInfraFromEnv('chaos', {
      SAGAFLOW_KAFKA_BROKERS: 'k1:9092,k2:9093',
      SAGAFLOW_MYSQL_HOST: 'db',
      SAGAFLOW_MYSQL_PORT: '3307',
      SAGAFLOW_MYSQL_DRIVER: 'mysql',
      SAGAFLOW_REDIS_URL: 'redis://cache:6380/2',
    });

    expect(infra.kafkaBrokers).toEqual(['k1:9092', 'k2:9093']);
    expect(infra.mysql).toMatchObject({ host: 'db', port: 3307, driver: 'mysql' });
    expect(infra.redisUrl).toBe('redis://cache:6380/2');
  });

  it('names every bad variable', () => {
    expect(() =>
      stackInfraFromEnv('demo', { SAGAFLOW_MYSQL_PORT: 'x', SAGAFLOW_REDIS_URL: 'http://r' }),
    ).toThrow(InvalidArgumentError);
    expect(() =>
      stackInfraFromEnv('demo', { SAGAFLOW_MYSQL_PORT: 'x', SAGAFLOW_REDIS_URL: 'http://r' }),
    ).toThrow(/SAGAFLOW_MYSQL_PORT[\s\S]*SAGAFLOW_REDIS_URL/);
  });
});
