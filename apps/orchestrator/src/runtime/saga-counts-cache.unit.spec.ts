import { InvalidArgumentError, SAGA_STATUSES, type SagaStatus } from '@sagaflow/core';

import { type SagaCounts, type SagaQueryPort } from '../http/ports/saga-query-port';
import { SagaCountsCache } from './saga-counts-cache';

/** Counts over an in-memory list of sagas, counting how often it was asked. */
class InMemorySagaCounts implements Pick<SagaQueryPort, 'counts'> {
  readonly sagas: { sagaType: string; status: SagaStatus }[] = [];
  calls = 0;

  counts(): Promise<SagaCounts> {
    this.calls += 1;
    const zero = () =>
      Object.fromEntries(SAGA_STATUSES.map((s) => [s, 0])) as Record<SagaStatus, number>;
    const byStatus = zero();
    const byType: Record<string, Record<SagaStatus, number>> = {};
    for (const { sagaType, status } of this.sagas) {
      byStatus[status] += 1;
      (byType[sagaType] ??= zero())[status] += 1;
    }
    return Promise.resolve({ total: this.sagas.length, byStatus, byType });
  }
}

describe('SagaCountsCache', () => {
  it('counts once per ttl for every reader, then counts again', async () => {
    const source = new InMemorySagaCounts();
    source.sagas.push({ sagaType: 'payment', status: 'COMPLETED' });
    let nowMs = 0;
    const cache = new SagaCountsCache(source, { ttlMs: 5000, now: () => nowMs });

    const [gauge, stats] = await Promise.all([cache.counts(), cache.counts()]);
    source.sagas.push({ sagaType: 'payment', status: 'COMPENSATION_FAILED' });
    nowMs = 4999;
    const cached = await cache.counts();

    expect(source.calls).toBe(1);
    expect(gauge).toBe(stats);
    expect(cached.byType.payment).toMatchObject({ COMPLETED: 1, COMPENSATION_FAILED: 0 });

    nowMs = 5000;
    const recounted = await cache.counts();
    expect(source.calls).toBe(2);
    expect(recounted.byStatus).toMatchObject({ COMPLETED: 1, COMPENSATION_FAILED: 1 });
    expect(recounted.total).toBe(2);
  });

  it('counts again once invalidated', async () => {
    const source = new InMemorySagaCounts();
    const cache = new SagaCountsCache(source, { now: () => 0 });
    await cache.counts();
    source.sagas.push({ sagaType: 'payment', status: 'RUNNING' });

    cache.invalidate();

    expect((await cache.counts()).byStatus.RUNNING).toBe(1);
  });

  it('rejects a bad ttlMs naming it', () => {
    expect(() => new SagaCountsCache(new InMemorySagaCounts(), { ttlMs: -5 })).toThrow(
      InvalidArgumentError,
    );
  });
});
