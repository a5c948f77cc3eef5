import { type InboxMessage, systemClock } from '@sagaflow/core';
import { InMemoryInbox, inboxContract, RecordingLogger } from '@sagaflow/core/testing';
import type { Redis } from 'ioredis';

import { deleteKeys, flushableDb, randomSuffix } from './__fixtures__/redis-test-support';
import { CachedInbox } from './cached-inbox';
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

inboxContract(
  'CachedInbox(InMemoryInbox) on Redis',
  () =>
    Promise.resolve({
      inbox: new CachedInbox(
        new InMemoryInbox({ clock: systemClock }),
        new RedisEventProcessCache(redis, { keyPrefix }),
      ),
      now: () => new Date(),
    }),
  { runId: `ib-${suffix}` },
);

function message(label: string): InboxMessage {
  return {
    consumer: `payment-service-${suffix}`,
    messageId: `${suffix}-${label}`,
    sagaId: `saga-${suffix}`,
    messageType: 'ReserveCredit',
    payload: JSON.stringify({ label }),
  };
}

describe('CachedInbox', () => {
  it('drops messages the cache knows without handing them to the inner inbox', async () => {
    const cache = new RedisEventProcessCache(redis, { keyPrefix });
    const inner = new InMemoryInbox({ clock: systemClock });
    const dropped: { consumer: string; count: number }[] = [];
    const inbox = new CachedInbox(inner, cache, {
      observer: { onDuplicatesDropped: (o) => dropped.push({ ...o }) },
    });
    const [known, fresh] = [message('known'), message('fresh')];
    await cache.setMany([{ ...known, status: 'DONE' }]);

    const result = await inbox.receive([known, fresh, known]);

    expect(result).toEqual({ accepted: [fresh], duplicates: [known, known] });
    // The inner inbox (MySQL in production) never saw the known message.
    await expect(inner.get(known.consumer, known.messageId)).resolves.toBeNull();
    expect(inner.records().map((r) => r.messageId)).toEqual([fresh.messageId]);
    expect(dropped).toEqual([{ consumer: known.consumer, count: 2 }]);
  });

  it('writes status changes through to the cache; DONE is never replaced', async () => {
    const cache = new RedisEventProcessCache(redis, { keyPrefix });
    const inbox = new CachedInbox(new InMemoryInbox({ clock: systemClock }), cache);
    const [m, n] = [message('w1'), message('w2')];
    const status = async () => cache.getMany([m, n]);

    await inbox.receive([m, n]);
    expect(await status()).toEqual(['RECEIVED', 'RECEIVED']);
    await inbox.claim(m.consumer, m.messageId, LONG_AGO);
    await inbox.claim(n.consumer, n.messageId, LONG_AGO);
    expect(await status()).toEqual(['PROCESSING', 'PROCESSING']);
    await inbox.complete(m.consumer, m.messageId);
    await inbox.fail(n.consumer, n.messageId, 'boom');
    expect(await status()).toEqual(['DONE', 'FAILED']);

    // A late failure of a DONE record changes neither the inbox nor the cache.
    await inbox.fail(m.consumer, m.messageId, 'late');
    expect(await status()).toEqual(['DONE', 'FAILED']);
    await expect(inbox.get(m.consumer, m.messageId)).resolves.toMatchObject({ status: 'DONE' });

    const o = message('w3');
    await inbox.receive([o]);
    await inbox.rememberDone(o.consumer, o.messageId);
    expect(await cache.getMany([o])).toEqual(['DONE']);
  });

  it('loses and duplicates nothing when Redis is flushed between calls', async () => {
    const flushed = createRedis({ url: `redis://127.0.0.1:6379/${flushableDb()}` });
    try {
      const inner = new InMemoryInbox({ clock: systemClock });
      const inbox = new CachedInbox(inner, new RedisEventProcessCache(flushed, { keyPrefix }));
      const [m, n] = [message('f1'), message('f2')];
      await inbox.receive([m]);
      await inbox.claim(m.consumer, m.messageId, LONG_AGO);
      await inbox.complete(m.consumer, m.messageId);

      await flushed.flushdb();

      const again = await inbox.receive([m, n]);
      expect(again).toEqual({ accepted: [n], duplicates: [m] });
      await expect(inbox.claim(m.consumer, m.messageId, LONG_AGO)).resolves.toBeNull();
      await expect(inbox.claim(n.consumer, n.messageId, LONG_AGO)).resolves.toMatchObject({
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

  it('carries on with the inner inbox alone while Redis is down, logging and counting', async () => {
    const broken = createRedis();
    broken.disconnect();
    const logger = new RecordingLogger();
    const errors: string[] = [];
    const inner = new InMemoryInbox({ clock: systemClock });
    const inbox = new CachedInbox(inner, new RedisEventProcessCache(broken, { keyPrefix }), {
      logger,
      observer: {
        onCacheError: ({ operation, error }) => errors.push(`${operation}:${error.code}`),
      },
    });
    const m = message('down');

    await expect(inbox.receive([m])).resolves.toEqual({ accepted: [m], duplicates: [] });
    await expect(inbox.receive([m])).resolves.toEqual({ accepted: [], duplicates: [m] });
    await expect(inbox.claim(m.consumer, m.messageId, LONG_AGO)).resolves.toMatchObject({
      status: 'PROCESSING',
    });
    await inbox.complete(m.consumer, m.messageId);
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
