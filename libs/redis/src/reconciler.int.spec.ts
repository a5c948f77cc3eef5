import {
  type EventProcessMessage,
  type EventProcessRecord,
  type SagaState,
  type SagaTimer,
} from '@sagaflow/core';
import {
  InMemoryEventProcessStore,
  InMemorySagaStateCache,
  ManualClock,
} from '@sagaflow/core/testing';
import type { Redis } from 'ioredis';

import { deleteKeys, randomSuffix, sagaState } from './__fixtures__/redis-test-support';
import { createRedis } from './create-redis';
import { ReconciliationError } from './errors';
import { type SagaStateSource, type SagaVersion } from './reconciliation-sources';
import { Reconciler } from './reconciler';
import { RedisEventProcessCache } from './redis-event-process-cache';
import { RedisSagaStateCache } from './redis-saga-state-cache';

const MINUTE = 60_000;
const T0 = '2030-06-01T12:00:00.000Z';

/** MySQL's saga_instance table in memory: the states as the store last wrote them. */
class InMemorySagaSource implements SagaStateSource {
  readonly states = new Map<string, SagaState>();

  put(state: SagaState): void {
    this.states.set(state.sagaId, state);
  }

  listRecentlyUpdated(since: Date, limit: number): Promise<readonly SagaVersion[]> {
    return Promise.resolve(
      [...this.states.values()]
        .filter((s) => Date.parse(s.updatedAt) >= since.getTime())
        .slice(0, limit)
        .map(({ sagaId, version }) => ({ sagaId, version })),
    );
  }

  loadState(sagaId: string): Promise<SagaState | null> {
    return Promise.resolve(this.states.get(sagaId) ?? null);
  }

  listActiveNotUpdatedSince(before: Date, limit: number): Promise<readonly SagaState[]> {
    return Promise.resolve(
      [...this.states.values()]
        .filter(
          (s) =>
            (s.status === 'RUNNING' || s.status === 'COMPENSATING') &&
            Date.parse(s.updatedAt) < before.getTime(),
        )
        .slice(0, limit),
    );
  }
}

const suffix = randomSuffix();
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

function minutesAgo(minutes: number): string {
  return new Date(Date.parse(T0) - minutes * MINUTE).toISOString();
}

function timer(sagaId: string, n: number): SagaTimer {
  return {
    timerId: `${sagaId}.reserve-credit.f.${n}.timeout`,
    sagaId,
    step: 'reserve-credit',
    direction: 'forward',
    attempt: n,
    purpose: 'timeout',
    dueAt: T0,
  };
}

function message(consumer: string, label: string): EventProcessMessage {
  return { consumer, messageId: `m-${label}`, sagaId: 's-1', messageType: 'reply', payload: '{}' };
}

describe('Reconciler', () => {
  it('repairs seeded drift, requeues stale records, re-arms idle sagas and counts it all', async () => {
    const keyPrefix = 'r1:';
    const clock = new ManualClock(minutesAgo(3));
    const sagas = new InMemorySagaSource();
    const stateCache = new RedisSagaStateCache(redis, { keyPrefix });
    const epCache = new RedisEventProcessCache(redis, { keyPrefix });
    const eventProcess = new InMemoryEventProcessStore({ clock });
    const id = (label: string) => `${suffix}-${label}`;

    // Saga states: MySQL's truth, and a cache that drifted from it.
    const stale = sagaState(id('stale'), 5, { updatedAt: minutesAgo(1) });
    const missing = sagaState(id('missing'), 2, { updatedAt: minutesAgo(1) });
    const bogus = sagaState(id('bogus'), 4, { updatedAt: minutesAgo(1) });
    const fine = sagaState(id('fine'), 7, { updatedAt: minutesAgo(1) });
    const garbled = sagaState(id('garbled'), 6, { updatedAt: minutesAgo(1) });
    const idle = sagaState(id('idle'), 3, {
      updatedAt: minutesAgo(5),
      pendingTimers: [timer(id('idle'), 1), timer(id('idle'), 2)],
    });
    const idleDone = sagaState(id('idle-done'), 9, {
      status: 'COMPLETED',
      updatedAt: minutesAgo(5),
      pendingTimers: [],
    });
    for (const s of [stale, missing, bogus, fine, garbled, idle, idleDone]) sagas.put(s);
    await stateCache.set(sagaState(stale.sagaId, 3, { updatedAt: minutesAgo(2) }));
    await stateCache.set(sagaState(bogus.sagaId, 9));
    await stateCache.set(fine);
    await raw.set(`${clientPrefix}${keyPrefix}saga:${garbled.sagaId}`, '{"version":99');

    // EventProcess records, three minutes old by the time of the pass.
    const consumer = id('orchestrator');
    const [done, received, processing, ghost] = ['done', 'received', 'processing', 'ghost'].map(
      (label) => message(consumer, label),
    ) as [EventProcessMessage, EventProcessMessage, EventProcessMessage, EventProcessMessage];
    await eventProcess.receive([done, received, processing]);
    await eventProcess.claim(consumer, done.messageId, clock.now());
    await eventProcess.claim(consumer, processing.messageId, clock.now());
    await eventProcess.complete(consumer, done.messageId);
    await epCache.setMany([
      { ...done, status: 'PROCESSING' }, // the handler's DONE never reached the cache
      { ...received, status: 'RECEIVED' },
      { ...processing, status: 'PROCESSING' },
      { ...ghost, status: 'DONE' }, // MySQL has no such record
    ]);
    clock.set(T0);

    const requeued: EventProcessRecord[] = [];
    const rearmed: SagaState[] = [];
    const reconciler = new Reconciler({
      stateCache,
      sagaSource: sagas,
      rearm: (state) => {
        rearmed.push(state);
        return Promise.resolve();
      },
      eventProcessCache: epCache,
      eventProcessSource: eventProcess,
      requeue: (records) => {
        requeued.push(...records);
        return Promise.resolve();
      },
      clock,
      sagaWindowMs: 2 * MINUTE,
      staleEventProcessAfterMs: MINUTE,
      rearmAfterMs: 2 * MINUTE,
    });

    const report = await reconciler.run();

    expect(report).toEqual({
      sagaRepairs: 4,
      eventProcessRepairs: 2,
      requeued: 2,
      timersRearmed: 2,
      failures: 0,
      durationMs: expect.any(Number) as number,
    });
    for (const s of [stale, missing, bogus, fine, garbled]) {
      await expect(stateCache.get(s.sagaId)).resolves.toEqual(s);
    }
    expect(await epCache.getMany([done, received, processing, ghost])).toEqual([
      'DONE',
      'RECEIVED',
      'PROCESSING',
      null,
    ]);
    expect(requeued.map((r) => `${r.messageId}:${r.status}`).sort()).toEqual([
      'm-processing:PROCESSING',
      'm-received:RECEIVED',
    ]);
    expect(rearmed.map((s) => s.sagaId)).toEqual([idle.sagaId]);

    // A second pass finds the caches repaired; stale records and idle sagas are handed on
    // again until they move (here nothing processes them).
    await expect(reconciler.run()).resolves.toMatchObject({
      sagaRepairs: 0,
      eventProcessRepairs: 0,
      requeued: 2,
      timersRearmed: 2,
    });
  });

  it('resumes the EventProcess scan where the previous pass stopped', async () => {
    const keyPrefix = 'r2:';
    const epCache = new RedisEventProcessCache(redis, { keyPrefix });
    const eventProcess = new InMemoryEventProcessStore({ clock: new ManualClock(T0) });
    const entries = Array.from({ length: 300 }, (_, i) => ({
      ...message('c', `${suffix}-${i}`),
      status: 'RECEIVED' as const,
    }));
    await epCache.setMany(entries); // none of them is in MySQL
    const reconciler = new Reconciler({
      eventProcessCache: epCache,
      eventProcessSource: eventProcess,
      maxEventProcessChecks: 100,
      scanCount: 50,
    });

    const repairs: number[] = [];
    while (repairs.reduce((a, b) => a + b, 0) < entries.length && repairs.length < 10) {
      repairs.push((await reconciler.run()).eventProcessRepairs);
    }

    expect(repairs[0]).toBeLessThan(entries.length);
    expect(repairs.reduce((a, b) => a + b, 0)).toBe(entries.length);
    expect((await epCache.getMany(entries)).every((s) => s === null)).toBe(true);
  });

  it('runs every part even when one fails, and throws the failures with the report', async () => {
    const broken = createRedis({ keyPrefix: clientPrefix });
    broken.disconnect();
    const clock = new ManualClock(T0);
    const eventProcess = new InMemoryEventProcessStore({ clock });
    await eventProcess.receive([message('c', `${suffix}-late`)]);
    clock.advance(5 * MINUTE);
    const sagas = new InMemorySagaSource();
    sagas.put(sagaState(`${suffix}-recent`, 1, { updatedAt: T0 }));
    const reported: number[] = [];
    const reconciler = new Reconciler({
      stateCache: new RedisSagaStateCache(broken),
      sagaSource: sagas,
      eventProcessCache: new RedisEventProcessCache(broken),
      eventProcessSource: eventProcess,
      requeue: () => Promise.resolve(),
      clock,
      observer: { onReconciled: (report) => reported.push(report.failures) },
    });

    const error: unknown = await reconciler.run().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ReconciliationError);
    expect((error as ReconciliationError).retryable).toBe(true);
    expect((error as ReconciliationError).report).toMatchObject({
      sagaRepairs: 0,
      eventProcessRepairs: 0,
      requeued: 1,
      failures: 2,
    });
    expect(reported).toEqual([2]);
  });

  it('rejects options that name a cache without its source', () => {
    expect(() => new Reconciler({ stateCache: new InMemorySagaStateCache() })).toThrow(
      'stateCache="[SagaStateCache]" (expected given together with sagaSource)',
    );
    expect(() => new Reconciler({})).toThrow('at least one of');
    expect(
      () =>
        new Reconciler({
          requeue: () => Promise.resolve(),
          eventProcessSource: new InMemoryEventProcessStore({ clock: new ManualClock(T0) }),
          scanCount: 0,
        }),
    ).toThrow('scanCount=0');
  });
});
