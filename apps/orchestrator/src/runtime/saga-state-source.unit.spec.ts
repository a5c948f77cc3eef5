import { type SagaState } from '@sagaflow/core';
import { type ActiveSagaQuery, type SagaVersion } from '@sagaflow/mysql';

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

/** `saga_instance` as SagaQueries lists it: newest change first, at most `limit`. */
function fakeQueries(rows: readonly SagaVersion[]) {
  const activeCalls: ActiveSagaQuery[] = [];
  return {
    activeCalls,
    queries: {
      listRecentlyUpdated: (since: Date, limit: number) =>
        Promise.resolve(
          rows
            .filter((r) => Date.parse(r.updatedAt) >= since.getTime())
            .sort((a, b) => Date.parse(b.updatedAt) - Date.parse(a.updatedAt))
            .slice(0, limit),
        ),
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

describe('createSagaStateSource', () => {
  it('lists the most recently changed sagas since the window start, newest first', async () => {
    const rows = Array.from({ length: 100 }, (_, i) => version(i, NOW - (100 - i) * 1000));
    const source = createSagaStateSource({ queries: fakeQueries(rows).queries, store });

    const recent = await source.listRecentlyUpdated(new Date(NOW - 50_500), 30);

    expect(recent.map((s) => s.sagaId)).toEqual(
      Array.from({ length: 30 }, (_, i) => `s-${99 - i}`),
    );
  });

  it('caps the limits at what SagaQueries serves', async () => {
    const rows = Array.from({ length: 6000 }, (_, i) => version(i, NOW - i));
    const { queries, activeCalls } = fakeQueries(rows);
    const source = createSagaStateSource({ queries, store });

    const recent = await source.listRecentlyUpdated(new Date(NOW - 60_000), 100_000);
    const active = await source.listActiveNotUpdatedSince(new Date(NOW - 60_000), 5000);

    expect(recent).toHaveLength(5000);
    expect(activeCalls).toEqual([{ notUpdatedSince: new Date(NOW - 60_000), limit: 1000 }]);
    expect(active.map((s) => s.sagaId)).toEqual(['active-1', 'active-2']);
  });

  it('loads states from the store', async () => {
    const source = createSagaStateSource({ queries: fakeQueries([]).queries, store });

    expect(await source.loadState('known')).toEqual(state('known'));
    expect(await source.loadState('unknown')).toBeNull();
  });
});
