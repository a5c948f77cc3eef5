import { type SagaStateCache } from '../ports/saga-state-cache';
import { type ContractFixture, type ContractSuiteOptions, contractTest } from './contract-support';
import { sampleState } from './contract-samples';

/** What {@link sagaStateCacheContract} runs against, created afresh for every test. */
export interface SagaStateCacheContractFixture extends ContractFixture {
  /** The implementation under test. */
  readonly cache: SagaStateCache;
}

/** Creates the fixture of one test; `teardown` on it is called after the test. */
export type SagaStateCacheContractFactory = () => Promise<SagaStateCacheContractFixture>;

/**
 * Declares the jest tests of the {@link SagaStateCache} contract against the cache the
 * factory returns: states round-trip unchanged, a lower version never replaces a higher
 * one (concurrent writers included), `delete` forgets.
 *
 * @example
 * ```ts
 * sagaStateCacheContract('RedisSagaStateCache', async () => {
 *   const redis = new Redis({ host: '127.0.0.1' });
 *   const cache = new RedisSagaStateCache(redis, { keyPrefix: `test-${suffix}:` });
 *   return { cache, teardown: async () => { await redis.quit(); } };
 * }, { runId: `cache-${suffix}` });
 * ```
 */
export function sagaStateCacheContract(
  name: string,
  factory: SagaStateCacheContractFactory,
  options: ContractSuiteOptions = {},
): void {
  const test = contractTest('cache', factory, options);
  const state = (sagaId: string, version: number) =>
    sampleState(sagaId, 'contract-saga', `${sagaId}-key`, version);

  describe(`SagaStateCache contract: ${name}`, () => {
    test('get of an unknown saga is null', async (f, id) => {
      await expect(f.cache.get(id('saga'))).resolves.toBeNull();
    });

    test('a state set is got back unchanged', async (f, id) => {
      const s = state(id('saga'), 3);
      await f.cache.set(s);
      await expect(f.cache.get(s.sagaId)).resolves.toEqual(s);
      await expect(f.cache.get(id('other'))).resolves.toBeNull();
    });

    test('a higher version replaces the state; a lower one never does', async (f, id) => {
      const sagaId = id('saga');
      await f.cache.set(state(sagaId, 3));
      await f.cache.set(state(sagaId, 5));
      await expect(f.cache.get(sagaId)).resolves.toEqual(state(sagaId, 5));
      await f.cache.set(state(sagaId, 4));
      await f.cache.set(state(sagaId, 1));
      await expect(f.cache.get(sagaId)).resolves.toEqual(state(sagaId, 5));
    });

    test('concurrent sets leave the highest version', async (f, id) => {
      const sagaId = id('saga');
      await Promise.all([4, 9, 2, 7, 9, 1].map((v) => f.cache.set(state(sagaId, v))));
      await expect(f.cache.get(sagaId)).resolves.toMatchObject({ version: 9 });
    });

    test('delete forgets the state, so any version can be set again', async (f, id) => {
      const sagaId = id('saga');
      await f.cache.set(state(sagaId, 6));
      await f.cache.delete(sagaId);
      await expect(f.cache.get(sagaId)).resolves.toBeNull();
      await f.cache.set(state(sagaId, 2));
      await expect(f.cache.get(sagaId)).resolves.toEqual(state(sagaId, 2));
    });

    test('deleting an unknown saga is a no-op', async (f, id) => {
      await expect(f.cache.delete(id('unknown'))).resolves.toBeUndefined();
    });
  });
}
