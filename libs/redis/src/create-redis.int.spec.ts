import { randomUUID } from 'node:crypto';

import { InvalidArgumentError } from '@sagaflow/core';
import type { Redis } from 'ioredis';

import { createRedis } from './create-redis';

describe('createRedis against the local Redis', () => {
  const prefix = `sagaflow-test:${randomUUID().slice(0, 8)}:`;
  let redis: Redis;
  let raw: Redis;

  beforeAll(() => {
    redis = createRedis({ keyPrefix: prefix, connectionName: 'sagaflow-int-test' });
    raw = createRedis();
  });

  afterAll(async () => {
    // SCAN patterns ignore keyPrefix: look for the full prefix on the unprefixed client.
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await raw.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 100);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    if (keys.length > 0) await raw.del(...keys);
    await Promise.all([redis.quit(), raw.quit()]);
  });

  it('round-trips values under its key prefix', async () => {
    await redis.set('event-process:m-1', 'DONE', 'EX', 60);
    await redis.hset('saga:s-1', { status: 'RUNNING', version: '3' });

    expect(await redis.get('event-process:m-1')).toBe('DONE');
    expect(await redis.hgetall('saga:s-1')).toEqual({ status: 'RUNNING', version: '3' });
    // Stored under the prefix, invisible without it.
    expect(await raw.get(`${prefix}event-process:m-1`)).toBe('DONE');
    expect(await raw.exists('event-process:m-1')).toBe(0);
    expect(await raw.ttl(`${prefix}event-process:m-1`)).toBeGreaterThan(0);

    await redis.del('event-process:m-1', 'saga:s-1');
    expect(await raw.exists(`${prefix}event-process:m-1`, `${prefix}saga:s-1`)).toBe(0);
  });

  it('names its connection', async () => {
    expect(await redis.client('GETNAME')).toBe('sagaflow-int-test');
  });

  it('rejects bad options naming the field and value', () => {
    expect(() => createRedis({ url: 'http://127.0.0.1:6379' })).toThrow(InvalidArgumentError);
    expect(() => createRedis({ url: 'redis://u:pw@127.0.0.1:6379/x' })).toThrow(
      'url="redis://u:[REDACTED]@127.0.0.1:6379/x"',
    );
    expect(() => createRedis({ maxRetriesPerRequest: -1 })).toThrow('maxRetriesPerRequest=-1');
  });
});
