import { SagaflowError } from '@sagaflow/core';
import { sagaStateCacheContract } from '@sagaflow/core/testing';
import type { Redis } from 'ioredis';

import { deleteKeys, randomSuffix, sagaState } from './__fixtures__/redis-test-support';
import { createRedis } from './create-redis';
import { RedisCacheError } from './errors';
import { RedisSagaStateCache } from './redis-saga-state-cache';

const suffix = randomSuffix();
// The client's ioredis prefix and the cache's own prefix both apply.
const clientPrefix = `sagaflow-test:${suffix}:`;
let redis: Redis;
let raw: Redis;

beforeAll(() => {
  redis = createRedis({ keyPrefix: clientPrefix });
  raw = createRedis();
});

afterAll(async () => {
  await deleteKeys(raw, clientPrefix);
  await Promise.all([redis.quit(), raw.quit()]);
});

sagaStateCacheContract(
  'RedisSagaStateCache',
  () => Promise.resolve({ cache: new RedisSagaStateCache(redis, { keyPrefix: 'contract:' }) }),
  { runId: `cache-${suffix}` },
);

describe('RedisSagaStateCache', () => {
  it('stores the JSON under <prefix>saga:<sagaId> with the TTL', async () => {
    const cache = new RedisSagaStateCache(redis, { keyPrefix: 'c1:', ttlMs: 60_000 });
    const state = sagaState(`s-${suffix}-a`, 4);
    await cache.set(state);

    const key = `${clientPrefix}c1:saga:${state.sagaId}`;
    expect(JSON.parse((await raw.get(key)) ?? 'null')).toEqual(state);
    const ttl = await raw.pttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it('never downgrades under concurrent writers on separate connections', async () => {
    const other = createRedis({ keyPrefix: clientPrefix });
    try {
      const first = new RedisSagaStateCache(redis, { keyPrefix: 'c2:' });
      const second = new RedisSagaStateCache(other, { keyPrefix: 'c2:' });
      const sagaId = `s-${suffix}-b`;
      const versions = Array.from({ length: 40 }, (_, i) => ((i * 17) % 31) + 1);
      await Promise.all(
        versions.map((v, i) =>
          (i % 2 === 0 ? first : second).set(sagaState(sagaId, v, { data: { v } })),
        ),
      );
      const top = Math.max(...versions);
      await expect(first.get(sagaId)).resolves.toEqual(
        sagaState(sagaId, top, { data: { v: top } }),
      );
      await second.set(sagaState(sagaId, top - 1));
      await expect(first.get(sagaId)).resolves.toMatchObject({ version: top });
    } finally {
      await other.quit();
    }
  });

  it('reports an unreadable entry as a retryable error and replaces it on the next set', async () => {
    const cache = new RedisSagaStateCache(redis, { keyPrefix: 'c3:' });
    const sagaId = `s-${suffix}-c`;
    for (const garbage of ['not json', '{"sagaId":"someone-else","version":3}']) {
      await raw.set(`${clientPrefix}c3:saga:${sagaId}`, garbage);
      await expect(cache.get(sagaId)).rejects.toMatchObject({
        name: 'RedisCacheError',
        code: 'REDIS_CACHE_FAILED',
        retryable: true,
        reason: 'unreadable',
      });
      await cache.set(sagaState(sagaId, 1));
      await expect(cache.get(sagaId)).resolves.toMatchObject({ sagaId, version: 1 });
    }
  });

  it('surfaces every Redis failure as a retryable RedisCacheError', async () => {
    const broken = createRedis({ keyPrefix: clientPrefix });
    broken.disconnect();
    const cache = new RedisSagaStateCache(broken);
    const sagaId = `s-${suffix}-d`;
    for (const attempt of [
      cache.get(sagaId),
      cache.set(sagaState(sagaId, 1)),
      cache.delete(sagaId),
    ]) {
      const error: unknown = await attempt.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RedisCacheError);
      expect(error).toBeInstanceOf(SagaflowError);
      expect((error as RedisCacheError).retryable).toBe(true);
      expect((error as RedisCacheError).reason).toBe('unavailable');
      expect((error as RedisCacheError).context).toEqual(expect.objectContaining({ sagaId }));
      expect((error as Error).cause).toBeInstanceOf(Error);
    }
  });

  it('reports hits and misses to the observer', async () => {
    const lookups: { hits: number; misses: number }[] = [];
    const cache = new RedisSagaStateCache(redis, {
      keyPrefix: 'c4:',
      observer: { onLookup: ({ hits, misses }) => lookups.push({ hits, misses }) },
    });
    await cache.get(`s-${suffix}-e`);
    await cache.set(sagaState(`s-${suffix}-e`, 1));
    await cache.get(`s-${suffix}-e`);
    expect(lookups).toEqual([
      { hits: 0, misses: 1 },
      { hits: 1, misses: 0 },
    ]);
  });

  it('rejects bad options naming the field and value', () => {
    expect(() => new RedisSagaStateCache(redis, { ttlMs: 0 })).toThrow('ttlMs=0');
    expect(() => new RedisSagaStateCache(redis, { keyPrefix: 'a b' })).toThrow('keyPrefix="a b"');
  });
});
