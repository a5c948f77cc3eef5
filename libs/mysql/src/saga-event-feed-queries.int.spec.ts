import { InvalidArgumentError, type SagaEvent } from '@sagaflow/core';

import { endedEvent, firstAppend, stateOf } from './__fixtures__/sample-sagas';
import { createTestDatabase, type TestDatabase } from './__fixtures__/test-database';
import { MySqlEventStore } from './mysql-event-store';
import { SagaEventFeedQueries, type SagaFeedEvent } from './saga-event-feed-queries';

let db: TestDatabase;
let feed: SagaEventFeedQueries;
let store: MySqlEventStore;
let lastIdWhenEmpty: string;

const AT = '2031-01-01T12:00:00.000Z';

/** Six sagas, appended one after the other: every other a `refund`, each started then ended. */
const sagas = Array.from({ length: 6 }, (_, i) =>
  stateOf(`feed-saga-${i}`, 2, { sagaType: i % 2 === 0 ? 'place-order' : 'refund' }),
);

beforeAll(async () => {
  db = await createTestDatabase('orchestrator');
  feed = new SagaEventFeedQueries(db.dataSource);
  store = new MySqlEventStore(db.dataSource, { clock: { now: () => new Date(AT) } });
  lastIdWhenEmpty = await feed.lastId();
  // Started in order, then ended in reverse: the global order interleaves the sagas.
  for (const state of sagas) await store.append(firstAppend({ ...state, version: 1 }));
  for (const state of [...sagas].reverse()) {
    await store.append({
      sagaId: state.sagaId,
      expectedVersion: 1,
      events: [endedEvent('COMPLETED', AT)],
      state: { ...state, status: 'COMPLETED' },
      outbox: [],
    });
  }
});
afterAll(async () => {
  await db.drop();
});

const keysOf = (events: readonly SagaFeedEvent[]) =>
  events.map((e) => `${e.sagaId}#${e.seq}:${e.type}`);

async function readAll(
  query: Omit<Parameters<SagaEventFeedQueries['readAfter']>[0], 'afterId'>,
): Promise<{ events: SagaFeedEvent[]; pages: number }> {
  const events: SagaFeedEvent[] = [];
  let afterId = '0';
  let pages = 0;
  for (;;) {
    const page = await feed.readAfter({ ...query, afterId });
    pages += 1;
    events.push(...page);
    const last = page.at(-1);
    if (page.length < query.limit || last === undefined || pages > 50) return { events, pages };
    afterId = last.id;
  }
}

describe('SagaEventFeedQueries', () => {
  it('reads every event in the order it was appended, with its saga type, seq and JSON', async () => {
    const events = await feed.readAfter({ afterId: '0', limit: 100 });

    expect(keysOf(events)).toEqual([
      ...sagas.map((s) => `${s.sagaId}#1:SagaStarted`),
      ...[...sagas].reverse().map((s) => `${s.sagaId}#2:SagaCompleted`),
    ]);
    const ids = events.map((e) => BigInt(e.id));
    expect(ids.every((id, i) => i === 0 || id > (ids[i - 1] ?? 0n))).toBe(true);
    expect(events[1]).toEqual({
      id: expect.stringMatching(/^[1-9][0-9]*$/) as unknown,
      sagaId: 'feed-saga-1',
      sagaType: 'refund',
      seq: 1,
      type: 'SagaStarted',
      event: expect.objectContaining({ type: 'SagaStarted', sagaId: 'feed-saga-1' }) as SagaEvent,
      recordedAt: AT,
    });
    expect(await feed.lastId()).toBe(events.at(-1)?.id);
    expect(lastIdWhenEmpty).toBe('0');
  });

  it('filters by saga and by saga type, and by both', async () => {
    const one = await feed.readAfter({ afterId: '0', limit: 100, sagaId: 'feed-saga-3' });
    const refunds = await feed.readAfter({ afterId: '0', limit: 100, sagaType: 'refund' });
    const both = await feed.readAfter({
      afterId: '0',
      limit: 100,
      sagaId: 'feed-saga-3',
      sagaType: 'place-order',
    });

    expect(keysOf(one)).toEqual(['feed-saga-3#1:SagaStarted', 'feed-saga-3#2:SagaCompleted']);
    expect(keysOf(refunds)).toEqual([
      'feed-saga-1#1:SagaStarted',
      'feed-saga-3#1:SagaStarted',
      'feed-saga-5#1:SagaStarted',
      'feed-saga-5#2:SagaCompleted',
      'feed-saga-3#2:SagaCompleted',
      'feed-saga-1#2:SagaCompleted',
    ]);
    expect(both).toEqual([]);
  });

  it('pages by id: each page after the last id of the one before, bounded by throughId', async () => {
    const all = await feed.readAfter({ afterId: '0', limit: 100 });

    const paged = await readAll({ limit: 5 });
    const pagedRefunds = await readAll({ limit: 2, sagaType: 'refund' });

    expect(paged.pages).toBe(3);
    expect(paged.events).toEqual(all);
    expect(keysOf(pagedRefunds.events)).toEqual(
      keysOf(all.filter((event) => event.sagaType === 'refund')),
    );
    const third = all[2];
    const seventh = all[6];
    if (third === undefined || seventh === undefined) throw new Error('12 events expected');
    const range = await feed.readAfter({ afterId: third.id, throughId: seventh.id, limit: 100 });
    expect(range).toEqual(all.slice(3, 7));
    expect(await feed.readAfter({ afterId: all.at(-1)?.id ?? '0', limit: 10 })).toEqual([]);
  });

  it('shows a larger id committed first before a smaller one still in its transaction', async () => {
    await store.append(firstAppend(stateOf('feed-late-a', 1)));
    await store.append(firstAppend(stateOf('feed-late-b', 1)));
    const before = await feed.lastId();
    const first = db.dataSource.createQueryRunner();
    const second = db.dataSource.createQueryRunner();
    const insert = `INSERT INTO saga_event (saga_id, seq, type, event, recorded_at)
                    VALUES (?, 2, 'SagaCompleted', '{"type":"SagaCompleted","v":1}', ?)`;
    try {
      await first.startTransaction();
      await first.query(insert, ['feed-late-a', new Date(AT)]);
      await second.startTransaction();
      await second.query(insert, ['feed-late-b', new Date(AT)]);
      await second.commitTransaction();

      const whileOpen = await feed.readAfter({ afterId: before, limit: 10 });
      await first.commitTransaction();
      const afterCommit = await feed.readAfter({ afterId: before, limit: 10 });

      expect(keysOf(whileOpen)).toEqual(['feed-late-b#2:SagaCompleted']);
      expect(keysOf(afterCommit)).toEqual([
        'feed-late-a#2:SagaCompleted',
        'feed-late-b#2:SagaCompleted',
      ]);
      expect(BigInt(whileOpen[0]?.id ?? '0') - BigInt(before)).toBe(2n);
    } finally {
      await Promise.all([first.release(), second.release()]);
    }
  });

  it('refuses ids that are not decimal BIGINTs and a bad limit', async () => {
    await expect(feed.readAfter({ afterId: '-1', limit: 10 })).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    await expect(feed.readAfter({ afterId: '1e3', limit: 10 })).rejects.toThrow('afterId');
    await expect(
      feed.readAfter({ afterId: '0', throughId: '9223372036854775808', limit: 10 }),
    ).rejects.toThrow('throughId');
    await expect(feed.readAfter({ afterId: '0', limit: 0 })).rejects.toThrow('limit');
  });
});
