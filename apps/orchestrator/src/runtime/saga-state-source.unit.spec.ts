import { type SagaState } from '@sagaflow/core';
import { ManualClock } from '@sagaflow/core/testing';
import { type ActiveSagaQuery, type SagaVersion, type UpdatedSagaQuery } from '@sagaflow/mysql';

import { createSagaStateSource } from './saga-state-source';

const NOW = Date.parse('2030-01-01T01:00:00.000Z');

function version(n: number, updatedMs: number): SagaVersion {
  return {
    sagaId: `s-${n}`,
    version: n,
    status: 'RUNNING',
    updatedAt: new Date(updatedMs).toISOString(),
  };
}

function state(sagaId: string): SagaState {
  return { sagaId, pendingTimers: [] } as unknown as SagaState;
}

/** `saga_instance` as SagaQueries lists it: oldest change first, pages of `limit`. */
function fakeQueries(rows: readonly SagaVersion[]) {
  const updatedCalls: UpdatedSagaQuery[] = [];
  const activeCalls: ActiveSagaQuery[] = [];
  return {
    updatedCalls,
    activeCalls,
    queries: {
      listUpdatedSince: (query: UpdatedSagaQuery) => {
        updatedCalls.push(query);
        const matching = rows
          .filter((r) => Date.parse(r.updatedAt) >= query.since.getTime())
          .sort((a, b) => Date.parse(a.updatedAt) - Date.parse(b.updatedAt));
        const items = matching.slice(0, query.limit);
        return Promise.resolve({
          items,
          nextCursor: matching.length > query.limit ? 'more' : null,
        });
      },
      listActive: (query: ActiveSagaQuery) => {
        activeCalls.push(query);
        return Promise.resolve({ items: [state('active-1'), state('active-2')], nextCursor: 'x' });
      },
    },
  };
}

const store = {
  loadState: (sagaId: string) => Promise.resolve(sagaId === 'known' ? state('known') : null),
};
const clock = new ManualClock(new Date(NOW).toISOString());

describe('createSagaStateSource', () => {
  it('lists the sagas updated since the window start, newest first', async () => {
    const { queries } = fakeQueries([version(1, NOW - 50_000), version(2, NOW - 10_000)]);
    const source = createSagaStateSource({ queries, store, clock });

    const recent = await source.listRecentlyUpdated(new Date(NOW - 60_000), 10);

    expect(recent.map((s) => s.sagaId)).toEqual(['s-2', 's-1']);
  });

  it('narrows a crowded window to its most recent sagas, within the limit', async () => {
    // One saga changed every second over the last 100 s.
    const rows = Array.from({ length: 100 }, (_, i) => version(i, NOW - (100 - i) * 1000));
    const { queries, updatedCalls } = fakeQueries(rows);
    const source = createSagaStateSource({ queries, store, clock });

    const recent = await source.listRecentlyUpdated(new Date(NOW - 100_000), 30);

    expect(recent.length).toBeGreaterThan(0);
    expect(recent.length).toBeLessThanOrEqual(30);
    expect(recent[0]?.sagaId).toBe('s-99');
    const versions = recent.map((s) => s.version);
    expect(versions).toEqual([...versions].sort((a, b) => b - a));
    expect(versions).toEqual(Array.from({ length: versions.length }, (_, i) => 99 - i));
    expect(updatedCalls.every((call) => call.limit === 30)).toBe(true);
  });

  it('takes at most a page of the oldest when every saga changed at the same instant', async () => {
    const rows = Array.from({ length: 20 }, (_, i) => version(i, NOW - 5_000));
    const { queries, updatedCalls } = fakeQueries(rows);
    const source = createSagaStateSource({ queries, store, clock });

    const recent = await source.listRecentlyUpdated(new Date(NOW - 60_000), 5);

    expect(recent).toHaveLength(5);
    expect(updatedCalls.length).toBeLessThanOrEqual(17);
  });

  it('caps the page sizes at what SagaQueries serves', async () => {
    const { queries, updatedCalls, activeCalls } = fakeQueries([]);
    const source = createSagaStateSource({ queries, store, clock });

    await source.listRecentlyUpdated(new Date(NOW - 1000), 100_000);
    const active = await source.listActiveNotUpdatedSince(new Date(NOW - 60_000), 5000);

    expect(updatedCalls[0]?.limit).toBe(5000);
    expect(activeCalls).toEqual([{ notUpdatedSince: new Date(NOW - 60_000), limit: 1000 }]);
    expect(active.map((s) => s.sagaId)).toEqual(['active-1', 'active-2']);
  });

  it('loads states from the store', async () => {
    const source = createSagaStateSource({ queries: fakeQueries([]).queries, store, clock });

    expect(await source.loadState('known')).toEqual(state('known'));
    expect(await source.loadState('unknown')).toBeNull();
  });
});
