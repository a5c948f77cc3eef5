import { InvalidArgumentError, type SagaState, type SagaStatus } from '@sagaflow/core';

import { endedEvent, firstAppend, stateOf } from './__fixtures__/sample-sagas';
import { createTestDatabase, type TestDatabase } from './__fixtures__/test-database';
import { DURATION_CLASS_MAX_RELATIVE_ERROR } from './duration-histogram';
import { MySqlEventStore } from './mysql-event-store';
import { SagaQueries, type SagaSummary, type SagaTimelineBucket } from './saga-queries';

let db: TestDatabase;
let queries: SagaQueries;

const BASE = Date.UTC(2031, 0, 1, 12, 0, 0);
const minutes = (n: number) => new Date(BASE + n * 60_000);
const STATUS_CYCLE: readonly SagaStatus[] = [
  'RUNNING',
  'COMPENSATING',
  'COMPLETED',
  'COMPENSATED',
  'COMPLETED',
];

/** 30 sagas, one a minute: every third a `refund`, statuses cycling, ended ones in 0.3–3 s. */
const seeded: SagaState[] = Array.from({ length: 30 }, (_, i) => {
  const status = STATUS_CYCLE[i % 5] ?? 'RUNNING';
  const startedAt = minutes(i);
  const ended = status === 'COMPLETED' || status === 'COMPENSATED';
  const endedAt = new Date(startedAt.getTime() + (i + 1) * 100);
  return stateOf(`sq-saga-${String(i).padStart(2, '0')}`, ended ? 2 : 1, {
    sagaType: i % 3 === 0 ? 'refund' : 'place-order',
    businessKey: `order-${i}`,
    status,
    activeSteps: ended ? [] : ['reserve-credit'],
    startedAt: startedAt.toISOString(),
    updatedAt: (ended ? endedAt : new Date(startedAt.getTime() + 10_000)).toISOString(),
    endedAt: ended ? endedAt.toISOString() : null,
  });
});

beforeAll(async () => {
  db = await createTestDatabase('orchestrator');
  queries = new SagaQueries(db.dataSource);
  const store = new MySqlEventStore(db.dataSource);
  await Promise.all(
    seeded.map((state) =>
      store.append(
        state.version === 1
          ? firstAppend(state)
          : {
              ...firstAppend(state),
              events: [
                ...firstAppend(state).events,
                endedEvent(state.status, state.endedAt ?? state.updatedAt),
              ],
            },
      ),
    ),
  );
});
afterAll(async () => {
  await db.drop();
});

const newestFirst = (states: readonly SagaState[]) =>
  [...states].sort((a, b) => b.startedAt.localeCompare(a.startedAt)).map((s) => s.sagaId);
const idsOf = (items: readonly SagaSummary[]) => items.map((s) => s.sagaId);

async function listAll(
  query: Omit<Parameters<SagaQueries['list']>[0], 'cursor'>,
): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page = await queries.list({ ...query, ...(cursor === null ? {} : { cursor }) });
    ids.push(...idsOf(page.items));
    cursor = page.nextCursor;
    pages += 1;
  } while (cursor !== null && pages < 50);
  return { ids, pages };
}

describe('SagaQueries', () => {
  it('lists sagas newest first, one page at a time', async () => {
    const all = await listAll({ limit: 7 });
    expect(all.ids).toEqual(newestFirst(seeded));
    expect(all.pages).toBe(5);

    const [first] = (await queries.list({ limit: 1 })).items;
    expect(first).toEqual({
      sagaId: 'sq-saga-29',
      sagaType: 'place-order',
      sagaVersion: 1,
      businessKey: 'order-29',
      status: 'COMPLETED',
      activeSteps: [],
      failureCode: null,
      version: 2,
      startedAt: minutes(29).toISOString(),
      updatedAt: new Date(minutes(29).getTime() + 3000).toISOString(),
      endedAt: new Date(minutes(29).getTime() + 3000).toISOString(),
    });
  });

  it('filters by status, type, business key and start window, across pages', async () => {
    const byStatus = await listAll({ limit: 2, status: ['RUNNING', 'COMPENSATING'] });
    expect(byStatus.ids).toEqual(
      newestFirst(seeded.filter((s) => s.status === 'RUNNING' || s.status === 'COMPENSATING')),
    );

    const refundsCompleted = await listAll({ limit: 3, sagaType: 'refund', status: 'COMPLETED' });
    expect(refundsCompleted.ids).toEqual(
      newestFirst(seeded.filter((s) => s.sagaType === 'refund' && s.status === 'COMPLETED')),
    );

    const window = await listAll({
      limit: 4,
      startedAfter: minutes(10),
      startedBefore: minutes(20),
    });
    expect(window.ids).toEqual(newestFirst(seeded.slice(10, 20)));

    expect(idsOf((await queries.list({ limit: 10, businessKey: 'order-7' })).items)).toEqual([
      'sq-saga-07',
    ]);
    expect((await queries.list({ limit: 10, status: [] })).items).toEqual([]);
    const lost = JSON.parse('["LOST"]') as SagaStatus[];
    await expect(queries.list({ limit: 10, status: lost })).rejects.toThrow(
      'invalid status: "LOST"',
    );
    await expect(queries.list({ limit: 501 })).rejects.toThrow('invalid limit: 501');
  });

  it('sorts by last change either way, filters by change window, and finds the stuck sagas', async () => {
    const byUpdate = (states: readonly SagaState[], order: 'asc' | 'desc') =>
      [...states]
        .sort((a, b) =>
          order === 'asc'
            ? a.updatedAt.localeCompare(b.updatedAt)
            : b.updatedAt.localeCompare(a.updatedAt),
        )
        .map((s) => s.sagaId);

    const oldestChangeFirst = await listAll({ limit: 4, sort: 'updated', order: 'asc' });
    expect(oldestChangeFirst.ids).toEqual(byUpdate(seeded, 'asc'));

    const changedInWindow = await listAll({
      limit: 3,
      updatedAfter: minutes(5),
      updatedBefore: minutes(12),
    });
    expect(changedInWindow.ids).toEqual(
      byUpdate(
        seeded.filter(
          (s) => s.updatedAt >= minutes(5).toISOString() && s.updatedAt < minutes(12).toISOString(),
        ),
        'desc',
      ),
    );

    // Active and unchanged since minute 15: RUNNING and COMPENSATING sagas 0, 1, 5, 6, 10, 11.
    const stuck = await listAll({ limit: 2, stuckSince: minutes(15), order: 'asc' });
    expect(stuck.ids).toEqual([
      'sq-saga-00',
      'sq-saga-01',
      'sq-saga-05',
      'sq-saga-06',
      'sq-saga-10',
      'sq-saga-11',
    ]);
    const stuckRunningByStart = await listAll({
      limit: 5,
      stuckSince: minutes(15),
      status: ['RUNNING', 'COMPLETED'],
      sort: 'started',
    });
    expect(stuckRunningByStart.ids).toEqual(['sq-saga-10', 'sq-saga-05', 'sq-saga-00']);
    const oldestStartFirst = await listAll({ limit: 7, sagaType: 'refund', order: 'asc' });
    expect(oldestStartFirst.ids).toEqual(
      newestFirst(seeded.filter((s) => s.sagaType === 'refund')).reverse(),
    );
  });

  it('refuses a time range on the column it does not sort by, and a cursor of another sort', async () => {
    await expect(
      queries.list({ limit: 10, sort: 'started', updatedBefore: minutes(3) }),
    ).rejects.toThrow('needs sort=updated');
    await expect(
      queries.list({ limit: 10, sort: 'updated', startedAfter: minutes(3) }),
    ).rejects.toThrow('needs sort=started');
    const page = await queries.list({ limit: 2 });
    await expect(
      queries.list({ limit: 2, sort: 'updated', cursor: page.nextCursor ?? '' }),
    ).rejects.toThrow('was made for sort=started&order=desc');
  });

  it('counts sagas by status and by type', async () => {
    const counts = await queries.counts();
    expect(counts.total).toBe(30);
    expect(counts.byStatus).toEqual({
      RUNNING: 6,
      COMPENSATING: 6,
      COMPLETED: 12,
      COMPENSATED: 6,
      COMPENSATION_FAILED: 0,
    });
    const refunds = seeded.filter((s) => s.sagaType === 'refund');
    expect(counts.byType.refund).toEqual({
      RUNNING: refunds.filter((s) => s.status === 'RUNNING').length,
      COMPENSATING: refunds.filter((s) => s.status === 'COMPENSATING').length,
      COMPLETED: refunds.filter((s) => s.status === 'COMPLETED').length,
      COMPENSATED: refunds.filter((s) => s.status === 'COMPENSATED').length,
      COMPENSATION_FAILED: 0,
    });
  });

  it('counts the sagas in flight: RUNNING and COMPENSATING', async () => {
    await expect(queries.countActive()).resolves.toBe(12);
  });

  it('finds when the oldest saga in flight started, RUNNING or COMPENSATING, null when none', async () => {
    // Saga 00, RUNNING, started first.
    await expect(queries.oldestActiveStartedAt()).resolves.toEqual(minutes(0));

    const other = await createTestDatabase('orchestrator');
    try {
      const otherQueries = new SagaQueries(other.dataSource);
      await expect(otherQueries.oldestActiveStartedAt()).resolves.toBeNull();
      const store = new MySqlEventStore(other.dataSource);
      const saga = (id: string, status: SagaStatus, minute: number) =>
        stateOf(id, 1, {
          status,
          startedAt: minutes(minute).toISOString(),
          updatedAt: minutes(minute).toISOString(),
        });
      // Ended and parked sagas do not count, however old.
      for (const state of [
        saga('oa-completed', 'COMPLETED', 1),
        saga('oa-parked', 'COMPENSATION_FAILED', 2),
        saga('oa-compensating', 'COMPENSATING', 3),
        saga('oa-running', 'RUNNING', 5),
      ]) {
        await store.append(firstAppend(state));
      }
      await expect(otherQueries.oldestActiveStartedAt()).resolves.toEqual(minutes(3));
    } finally {
      await other.drop();
    }
  });

  it('computes throughput and nearest-rank latency percentiles of sagas ended in a window', async () => {
    const from = minutes(0);
    const to = minutes(30);
    const ended = seeded.filter((s) => s.endedAt !== null);
    const durations = ended
      .map((s) => Date.parse(s.endedAt ?? '') - Date.parse(s.startedAt))
      .sort((a, b) => a - b);
    const rank = (p: number) => durations[Math.ceil(p * durations.length) - 1];

    const stats = await queries.stats({ from, to });

    expect(stats).toEqual({
      from: from.toISOString(),
      to: to.toISOString(),
      started: 30,
      ended: 18,
      completed: 12,
      compensated: 6,
      throughputPerSecond: 18 / 1800,
      latencyMs: {
        p50: rank(0.5),
        p95: rank(0.95),
        p99: rank(0.99),
        mean: durations.reduce((sum, d) => sum + d, 0) / durations.length,
        max: durations.at(-1),
      },
    });
    expect(stats.latencyMs?.p50).toBe(1500);

    const refunds = await queries.stats({ from: minutes(9), to: minutes(30), sagaType: 'refund' });
    // Refunds are sagas 0, 3, …, 27; those ended from minute 9 on: 9, 12, 18, 24 and 27.
    const expected = seeded.filter(
      (s) =>
        s.sagaType === 'refund' &&
        s.endedAt !== null &&
        Date.parse(s.endedAt) >= minutes(9).getTime(),
    );
    expect(expected).toHaveLength(5);
    expect(refunds.ended).toBe(5);
    expect(refunds.latencyMs?.max).toBe(
      Math.max(...expected.map((s) => Date.parse(s.endedAt ?? '') - Date.parse(s.startedAt))),
    );

    const empty = await queries.stats({ from: minutes(-60), to: minutes(-1) });
    expect(empty).toMatchObject({ started: 0, ended: 0, throughputPerSecond: 0, latencyMs: null });
    await expect(queries.stats({ from: to, to: from })).rejects.toThrow('invalid to');
  });

  describe('timeline', () => {
    let timelineDb: TestDatabase;
    let timelineQueries: SagaQueries;
    // Not on a minute: bucket edges are counted from `from`, not from the clock's minutes.
    const from = new Date(Date.UTC(2032, 5, 1, 8, 0, 30, 500));
    const at = (ms: number) => new Date(from.getTime() + ms);
    const to = at(10 * 60_000);
    const BUCKET_MS = 120_000;
    /**
     * Bucket 0's 60 sagas, started every 0.5 s from `from`: 45 of 100–400 ms (several to a
     * duration class), 15 of 1–30 s; every third COMPENSATED, the others COMPLETED.
     */
    const firstBucketDurations = Array.from({ length: 60 }, (_, k) =>
      k < 45 ? Math.round(100 * 4 ** (k / 44)) : Math.round(1000 * 30 ** ((k - 45) / 14)),
    );

    const sagaAt = (
      sagaId: string,
      status: SagaStatus,
      startedAt: Date,
      endedAt: Date | null = null,
    ): SagaState =>
      stateOf(sagaId, endedAt === null ? 1 : 2, {
        status,
        startedAt: startedAt.toISOString(),
        updatedAt: (endedAt ?? startedAt).toISOString(),
        endedAt: endedAt?.toISOString() ?? null,
      });

    beforeAll(async () => {
      timelineDb = await createTestDatabase('orchestrator');
      timelineQueries = new SagaQueries(timelineDb.dataSource);
      const store = new MySqlEventStore(timelineDb.dataSource);
      const states = [
        ...firstBucketDurations.map((duration, k) =>
          sagaAt(
            `tl-first-${k}`,
            k % 3 === 0 ? 'COMPENSATED' : 'COMPLETED',
            at(k * 500),
            at(k * 500 + duration),
          ),
        ),
        // Bucket 1 [2 min, 4 min): nothing. Bucket 2 [4 min, 6 min): 4 sagas started.
        sagaAt('tl-running-a', 'RUNNING', at(4 * 60_000)),
        sagaAt('tl-running-b', 'RUNNING', at(4 * 60_000 + 1)),
        sagaAt('tl-running-c', 'COMPENSATING', at(5 * 60_000)),
        // Ends 1 ms before bucket 4: in bucket 3.
        sagaAt('tl-edge-before', 'COMPLETED', at(5 * 60_000 + 1), at(8 * 60_000 - 1)),
        // Bucket 3 [6 min, 8 min): a parked saga with an end time does not count as ended.
        sagaAt('tl-parked', 'COMPENSATION_FAILED', at(6 * 60_000 + 10_000), at(7 * 60_000)),
        // Ends on bucket 4's first millisecond: in bucket 4; another starts on it.
        sagaAt('tl-edge-on', 'COMPLETED', at(7 * 60_000), at(8 * 60_000)),
        sagaAt('tl-edge-start', 'COMPENSATED', at(8 * 60_000), at(8 * 60_000 + 250)),
        // Outside [from, to): started 1 ms before and ended at `to`, ended before, started at `to`.
        sagaAt('tl-out-around', 'COMPLETED', at(-1), to),
        sagaAt('tl-out-before', 'COMPLETED', at(-60_000), at(-1)),
        sagaAt('tl-out-after', 'RUNNING', to),
      ];
      await Promise.all(
        states.map((state) =>
          store.append(
            state.endedAt === null
              ? firstAppend(state)
              : {
                  ...firstAppend(state),
                  events: [...firstAppend(state).events, endedEvent(state.status, state.endedAt)],
                },
          ),
        ),
      );
    });
    afterAll(async () => {
      await timelineDb.drop();
    });

    const empty = (ms: number, started = 0): SagaTimelineBucket => ({
      at: at(ms).toISOString(),
      started,
      completed: 0,
      compensated: 0,
      latencyMs: null,
    });

    it('counts sagas started and ended per bucket, every bucket present, edges in the later bucket', async () => {
      const timeline = await timelineQueries.timeline({ from, to, bucketSeconds: 120 });

      expect(timeline.from).toBe(from.toISOString());
      expect(timeline.to).toBe(to.toISOString());
      expect(timeline.bucketSeconds).toBe(120);
      const [first, ...rest] = timeline.buckets;
      expect(first).toMatchObject({
        at: from.toISOString(),
        started: 60,
        completed: 40,
        compensated: 20,
      });
      expect(rest).toEqual([
        empty(BUCKET_MS),
        empty(2 * BUCKET_MS, 4),
        {
          at: at(3 * BUCKET_MS).toISOString(),
          started: 2,
          completed: 1,
          compensated: 0,
          // One duration: exact.
          latencyMs: { p50: 179_998, p95: 179_998, p99: 179_998 },
        },
        {
          at: at(4 * BUCKET_MS).toISOString(),
          started: 1,
          completed: 1,
          compensated: 1,
          // 250 ms and 60 s, each alone in its class: exact.
          latencyMs: { p50: 250, p95: 60_000, p99: 60_000 },
        },
      ]);
    });

    it('reads percentiles from duration classes: at or above the exact value, within 9.05 %', async () => {
      const sorted = [...firstBucketDurations].sort((a, b) => a - b);
      const exact = (p: number) => sorted[Math.ceil(p * sorted.length) - 1] ?? NaN;

      const [first] = (await timelineQueries.timeline({ from, to, bucketSeconds: 120 })).buckets;

      const latency = first?.latencyMs;
      expect(latency).not.toBeNull();
      for (const [p, answer] of [
        [0.5, latency?.p50],
        [0.95, latency?.p95],
        [0.99, latency?.p99],
      ] as const) {
        expect(answer).toBeGreaterThanOrEqual(exact(p));
        expect(answer).toBeLessThan(exact(p) * (1 + DURATION_CLASS_MAX_RELATIVE_ERROR));
      }
      // p99 of 60 is the largest: exact.
      expect(latency?.p99).toBe(30_000);
    });

    it('answers a last bucket that runs past the window with what is inside it', async () => {
      const timeline = await timelineQueries.timeline({ from, to, bucketSeconds: 420 });

      expect(
        timeline.buckets.map(({ at: start, started, completed, compensated }) => ({
          start,
          started,
          completed,
          compensated,
        })),
      ).toEqual([
        { start: from.toISOString(), started: 65, completed: 40, compensated: 20 },
        { start: at(420_000).toISOString(), started: 2, completed: 2, compensated: 1 },
      ]);
    });

    it('buckets the same whatever the session time zone', async () => {
      const other = await timelineDb.open({ poolSize: 1 });
      await other.query(`SET time_zone = '+05:30'`);

      const shifted = await new SagaQueries(other).timeline({ from, to, bucketSeconds: 60 });

      expect(shifted).toEqual(await timelineQueries.timeline({ from, to, bucketSeconds: 60 }));
      expect(shifted.buckets).toHaveLength(10);
    });

    it('answers up to 1440 buckets, and refuses more or bad arguments', async () => {
      const day = await timelineQueries.timeline({
        from: at(-86_400_000 + 10 * 60_000),
        to,
        bucketSeconds: 60,
      });
      expect(day.buckets).toHaveLength(1440);
      expect(day.buckets.at(-1)?.at).toBe(at(9 * 60_000).toISOString());
      // The 67 started in the last 10 minutes, and the 2 started just before them.
      expect(day.buckets.reduce((sum, b) => sum + b.started, 0)).toBe(69);

      for (const query of [
        { from, to: at(1440 * 60_000 + 1), bucketSeconds: 60 },
        { from, to, bucketSeconds: 0 },
        { from, to, bucketSeconds: 86_401 },
        { from, to, bucketSeconds: 1.5 },
        { from: to, to: from, bucketSeconds: 60 },
        { from: new Date(Number.NaN), to, bucketSeconds: 60 },
      ]) {
        await expect(timelineQueries.timeline(query)).rejects.toThrow(InvalidArgumentError);
      }
      await expect(
        timelineQueries.timeline({ from, to: at(1440 * 60_000 + 1), bucketSeconds: 60 }),
      ).rejects.toThrow('must make at most 1440 buckets of the window, not 1441');
    });
  });

  it('lists active sagas not updated since a cut-off, with their state, page by page', async () => {
    const cutoff = minutes(15);
    const expected = seeded
      .filter(
        (s) =>
          (s.status === 'RUNNING' || s.status === 'COMPENSATING') &&
          s.updatedAt < cutoff.toISOString(),
      )
      .map((s) => s.sagaId);
    const seen: SagaState[] = [];
    let cursor: string | null = null;
    do {
      const page = await queries.listActive({
        notUpdatedSince: cutoff,
        limit: 2,
        ...(cursor === null ? {} : { cursor }),
      });
      seen.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor !== null);
    expect(seen.map((s) => s.sagaId)).toEqual(expected);
    expect(seen[0]).toEqual(seeded.find((s) => s.sagaId === expected[0]));
  });

  it('lists versions of sagas updated since a time, and counts their events', async () => {
    const page = await queries.listUpdatedSince({ since: minutes(25), limit: 3 });
    const recent = seeded
      .filter((s) => s.updatedAt >= minutes(25).toISOString())
      .sort((a, b) => a.updatedAt.localeCompare(b.updatedAt));
    expect(page.items).toEqual(
      recent.slice(0, 3).map((s) => ({
        sagaId: s.sagaId,
        version: s.version,
        status: s.status,
        updatedAt: s.updatedAt,
      })),
    );
    const rest = await queries.listUpdatedSince({
      since: minutes(25),
      limit: 100,
      cursor: page.nextCursor ?? '',
    });
    expect(rest.items.map((s) => s.sagaId)).toEqual(recent.slice(3).map((s) => s.sagaId));
    expect(rest.nextCursor).toBeNull();

    const counts = await queries.eventCounts(['sq-saga-00', 'sq-saga-02', 'sq-none']);
    expect([...counts.entries()].sort()).toEqual([
      ['sq-saga-00', 1],
      ['sq-saga-02', 2],
    ]);
    await expect(queries.get('sq-saga-02')).resolves.toMatchObject({ status: 'COMPLETED' });
    await expect(queries.get('sq-none')).resolves.toBeNull();
  });

  it('lists the sagas updated since a time newest first, within the limit', async () => {
    const recent = seeded
      .filter((s) => s.updatedAt >= minutes(20).toISOString())
      .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
    const versionOf = (s: SagaState) => ({
      sagaId: s.sagaId,
      version: s.version,
      status: s.status,
      updatedAt: s.updatedAt,
    });

    expect(await queries.listRecentlyUpdated(minutes(20), 4)).toEqual(
      recent.slice(0, 4).map(versionOf),
    );
    expect(await queries.listRecentlyUpdated(minutes(20), 5000)).toEqual(recent.map(versionOf));
    expect(await queries.listRecentlyUpdated(minutes(60), 10)).toEqual([]);
    await expect(queries.listRecentlyUpdated(minutes(20), 0)).rejects.toThrow('limit');
    await expect(queries.listRecentlyUpdated(minutes(20), 5001)).rejects.toThrow('limit');
  });

  it('breaks ties on the change time by saga id, newest id first', async () => {
    // Runs last: it adds sagas the counts above do not expect.
    const at = minutes(100).toISOString();
    const tied = ['sq-tie-a', 'sq-tie-c', 'sq-tie-b'].map((sagaId) =>
      stateOf(sagaId, 1, { startedAt: at, updatedAt: at }),
    );
    const store = new MySqlEventStore(db.dataSource);
    for (const state of tied) await store.append(firstAppend(state));

    const listed = await queries.listRecentlyUpdated(minutes(99), 2);

    expect(listed.map((s) => s.sagaId)).toEqual(['sq-tie-c', 'sq-tie-b']);
  });
});
