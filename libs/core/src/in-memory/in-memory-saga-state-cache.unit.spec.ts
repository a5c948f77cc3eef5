import { sampleState } from '../testing/contract-samples';
import { InMemorySagaStateCache } from './in-memory-saga-state-cache';

describe('InMemorySagaStateCache', () => {
  it('counts its entries and returns copies', async () => {
    const cache = new InMemorySagaStateCache();
    const state = sampleState('s1', 'order', null, 2);
    await cache.set(state);
    const copy = await cache.get('s1');
    expect(copy).toEqual(state);
    expect(copy).not.toBe(state);
    expect(cache.size()).toBe(1);
  });
});
