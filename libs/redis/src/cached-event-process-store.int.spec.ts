import { type EventProcessMessage, systemClock } from '@sagaflow/core';
import {
  InMemoryEventProcessStore,
  eventProcessStoreContract,
  RecordingLogger,
} from '@sagaflow/core/testing';
import type { Redis } from 'ioredis';

import { deleteKeys, flushableDb, randomSuffix } from './__fixtures__/redis-test-support';
import { CachedEventProcessStore } from './cached-event-process-store';
import { createRedis } from './create-redis';
import { RedisEventProcessCache } from './redis-event-process-cache';

const suffix = randomSuffix();
const keyPrefix = `sagaflow-test:${suffix}:`;
const LONG_AGO = new Date('2000-01-01T00:00:00.000Z');
let redis: Redis;

beforeAll(() => {
  redis = createRedis();
});

afterAll(async () => {
  await deleteKeys(redis, keyPrefix);
  await redis.quit();
});

eventProcessStoreContract(
  'CachedEventProcessStore(InMemoryEventProcessStore) on Redis',
  () =>
    Promise.resolve({
      eventProcess: new CachedEventProcessStore(
        new InMemoryEventProcessStore({ clock: systemClock }),
        new RedisEventProcessCache(redis, { keyPrefix }),
      ),
      now: () => new Date(),
    }),
  { runId: `ib-${suffix}` },
);

function message(label: string): EventProcessMessage {
  return {
    consumer: `payment-service-${suffix}`,
    messageId: `${suffix}-${label}`,
    sagaId: `saga-${suffix}`,
    messageType: 'ReserveCredit',
    payload: JSON.stringify({ label }),
  };
}

describe('CachedEventProcessStore', () => {
  it('drops messages the cache knows without handing them to the inner EventProcess table', async () => {
    const cache = new RedisEventProcessCache(redis, { keyPrefix });
    const inner = new InMemoryEventProcessStore({ clock: systemClock });
    const dropped: { consumer: string; count: number }[] = [];
    const eventProcess = new CachedEventProcessStore(inner, cache, {
      observer: { onDuplicatesDropped: (o) => dropped.push({ ...o }) },
    });
    const [known, fresh] = [message('known'), message('fresh')];
    await cache.setMany([{ ...known, status: 'DONE' }]);

    const result = await eventProcess.receive([known, fresh, known]);

    expect(result).toEqual({ accepted: [fresh], duplicates: [known, known] });
    // The inner EventProcess table (MySQL in production) never saw the known message.
    await expect(inner.get(known.consumer, known.messageId)).resolves.toBeNull();
    expect(inner.records().map((r) => r.messageId)).toEqual([fresh.messageId]);
    expect(dropped).toEqual([{ consumer: known.consumer, count: 2 }]);
  });

  it('writes status changes through to the cache; DONE is never replaced', async () => {
    const cache = new RedisEventProcessCache(redis, { keyPrefix });
    const eventProcess = new CachedEventProcessStore(
      new InMemoryEventProcessStore({ clock: systemClock }),
      cache,
    );
    const [m, n] = [message('w1'), message('w2')];
    const status = async () => cache.getMany([m, n]);

    await eventProcess.receive([m, n]);
    expect(await status()).toEqual(['RECEIVED', 'RECEIVED']);
    await eventProcess.claim(m.consumer, m.messageId, LONG_AGO);
    await eventProcess.claim(n.consumer, n.messageId, LONG_AGO);
    expect(await status()).toEqual(['PROCESSING', 'PROCESSING']);
    await eventProcess.complete(m.consumer, m.messageId);
    await eventProcess.fail(n.consumer, n.messageId, 'boom');
    expect(await status()).toEqual(['DONE', 'FAILED']);

    // A late failure of a DONE record changes neither the EventProcess table nor the cache.
    await eventProcess.fail(m.consumer, m.messageId, 'late');
    expect(await status()).toEqual(['DONE', 'FAILED']);
    await expect(eventProcess.get(m.consumer, m.messageId)).resolves.toMatchObject({
      status: 'DONE',
    });

    const o = message('w3');
    await eventProcess.receive([o]);
    await eventProcess.rememberDone(o.consumer, o.messageId);
    expect(await cache.getMany([o])).toEqual(['DONE']);
  });

  it('loses and duplicates nothing when Redis is flushed between calls', async () => {
    const flushed = createRedis({ url: `redis://127.0.0.1:6379/${flushableDb()}` });
    try {
      const inner = new InMemoryEventProcessStore({ clock: systemClock });
      const eventProcess = new CachedEventProcessStore(
        inner,
        new RedisEventProcessCache(flushed, { keyPrefix }),
      );
      const [m, n] = [message('f1'), message('f2')];
      await eventProcess.receive([m]);
      await eventProcess.claim(m.consumer, m.messageId, LONG_AGO);
      await eventProcess.complete(m.consumer, m.messageId);

      await flushed.flushdb();

      const again = await eventProcess.receive([m, n]);
      expect(again).toEqual({ accepted: [n], duplicates: [m] });
      await expect(eventProcess.claim(m.consumer, m.messageId, LONG_AGO)).resolves.toBeNull();
      await expect(eventProcess.claim(n.consumer, n.messageId, LONG_AGO)).resolves.toMatchObject({
        status: 'PROCESSING',
        attempts: 1,
      });
      expect(inner.records().map((r) => [r.messageId, r.status])).toEqual([
        [m.messageId, 'DONE'],
        [n.messageId, 'PROCESSING'],
      ]);
      // The cache fills up again from the calls after the flush.
      await expect(
        new RedisEventProcessCache(flushed, { keyPrefix }).getMany([m, n]),
      ).resolves.toEqual([null, 'PROCESSING']);
    } finally {
      await flushed.flushdb();
      await flushed.quit();
    }
  });

  it('carries on with the inner EventProcess table alone while Redis is down, logging and counting', async () => {
    const broken = createRedis();
    broken.disconnect();
    const logger = new RecordingLogger();
    const errors: string[] = [];
    const inner = new InMemoryEventProcessStore({ clock: systemClock });
    const eventProcess = new CachedEventProcessStore(
      inner,
      new RedisEventProcessCache(broken, { keyPrefix }),
      {
        logger,
        observer: {
          onCacheError: ({ operation, error }) => errors.push(`${operation}:${error.code}`),
        },
      },
    );
    const m = message('down');

    await expect(eventProcess.receive([m])).resolves.toEqual({ accepted: [m], duplicates: [] });
    await expect(eventProcess.receive([m])).resolves.toEqual({ accepted: [], duplicates: [m] });
    await expect(eventProcess.claim(m.consumer, m.messageId, LONG_AGO)).resolves.toMatchObject({
      status: 'PROCESSING',
    });
    await eventProcess.complete(m.consumer, m.messageId);
    await expect(inner.get(m.consumer, m.messageId)).resolves.toMatchObject({ status: 'DONE' });

    expect(errors).toEqual([
      'getMany:REDIS_CACHE_FAILED',
      'receive:REDIS_CACHE_FAILED',
      'getMany:REDIS_CACHE_FAILED',
      'claim:REDIS_CACHE_FAILED',
      'complete:REDIS_CACHE_FAILED',
    ]);
    expect(logger.lines.filter((l) => l.level === 'warn')).toHaveLength(5);
  });
});
