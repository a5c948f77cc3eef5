import { type DeadLetter, type DeadLetterStore } from '../ports/dead-letter-store';
import {
  type ContractFixture,
  type ContractIds,
  type ContractSuiteOptions,
  contractTest,
} from './contract-support';

/** What {@link deadLetterStoreContract} runs against, created afresh for every test. */
export interface DeadLetterStoreContractFixture extends ContractFixture {
  /**
   * The implementation under test. It may hold other entries (a shared table): the suite
   * lists only by its own source topics.
   */
  readonly store: DeadLetterStore;
}

/** Creates the fixture of one test; `teardown` on it is called after the test. */
export type DeadLetterStoreContractFactory = () => Promise<DeadLetterStoreContractFixture>;

/**
 * Declares the jest tests of the {@link DeadLetterStore} contract against the store the
 * factory returns: `record` idempotent per `(consumer, sourceTopic, partition, offset)`,
 * `get` returning what was recorded, `list` newest first with its filters and `beforeId`
 * paging, and `markReplayed` stamping who replayed an entry, when and why.
 *
 * @example
 * ```ts
 * deadLetterStoreContract('MySqlDeadLetterStore', async () => ({
 *   store: new MySqlDeadLetterStore(dataSource),
 * }), { runId: `dl-${randomSuffix}` });
 * ```
 */
export function deadLetterStoreContract(
  name: string,
  factory: DeadLetterStoreContractFactory,
  options: ContractSuiteOptions = {},
): void {
  const test = contractTest('dl', factory, options);

  describe(`DeadLetterStore contract: ${name}`, () => {
    test('record stores a new entry, unreplayed, and get returns it as recorded', async (f, id) => {
      const letter = sample(id, 1);
      const { id: stored, created } = await f.store.record(letter);
      expect(created).toBe(true);
      await expect(f.store.get(stored)).resolves.toEqual({
        ...letter,
        id: stored,
        replayedAt: null,
        replayedBy: null,
        replayReason: null,
      });
    });

    test('record keeps a tombstone (no key, no value) and a truncated value as they are', async (f, id) => {
      const letter = { ...sample(id, 1), key: null, value: null };
      const cut = { ...sample(id, 2), value: '{"cut":', valueTruncated: true };
      const [tombstone, truncated] = [await f.store.record(letter), await f.store.record(cut)];
      await expect(f.store.get(tombstone.id)).resolves.toMatchObject({ key: null, value: null });
      await expect(f.store.get(truncated.id)).resolves.toMatchObject({
        value: '{"cut":',
        valueTruncated: true,
      });
    });

    test('record is idempotent per consumer, topic, partition and offset', async (f, id) => {
      const letter = sample(id, 1);
      const first = await f.store.record(letter);
      const again = await f.store.record({
        ...letter,
        reason: { code: 'OTHER_REASON', message: 'recorded again after a crash' },
      });
      expect(again).toEqual({ id: first.id, created: false });
      await expect(f.store.get(first.id)).resolves.toMatchObject({ reason: letter.reason });

      const others = await Promise.all([
        f.store.record({ ...letter, partition: letter.partition + 1 }),
        f.store.record({ ...letter, offset: `${letter.offset}0` }),
        f.store.record({ ...letter, consumer: id('other-consumer') }),
        f.store.record({ ...letter, sourceTopic: id('other-topic') }),
      ]);
      expect(others.every((o) => o.created)).toBe(true);
      expect(new Set([first.id, ...others.map((o) => o.id)]).size).toBe(5);
    });

    test('get of an id that was never given is null', async (f, id) => {
      await f.store.record(sample(id, 1));
      await expect(f.store.get(id('missing'))).resolves.toBeNull();
    });

    test('list is newest first, limited, and pages with beforeId', async (f, id) => {
      const ids: string[] = [];
      for (const n of [1, 2, 3, 4, 5]) ids.push((await f.store.record(sample(id, n))).id);
      const newestFirst = [...ids].reverse();
      const sourceTopic = id('topic');

      const first = await f.store.list({ limit: 2, sourceTopic });
      expect(first.map((d) => d.id)).toEqual(newestFirst.slice(0, 2));
      const second = await f.store.list({ limit: 2, sourceTopic, beforeId: first[1]?.id ?? '' });
      expect(second.map((d) => d.id)).toEqual(newestFirst.slice(2, 4));
      const last = await f.store.list({ limit: 2, sourceTopic, beforeId: second[1]?.id ?? '' });
      expect(last.map((d) => d.id)).toEqual(newestFirst.slice(4));
      expect(await f.store.list({ limit: 100, sourceTopic })).toEqual(
        await Promise.all(newestFirst.map((d) => f.store.get(d))),
      );
    });

    test('list filters by reason code, source topic, replayed and saga', async (f, id) => {
      const malformed = await f.store.record(sample(id, 1));
      const unknown = await f.store.record({
        ...sample(id, 2),
        reason: { code: 'UNKNOWN_MESSAGE_TYPE', message: 'no handler for Teleport' },
      });
      const elsewhere = await f.store.record({ ...sample(id, 3), sourceTopic: id('topic-2') });
      const otherSaga = await f.store.record({ ...sample(id, 4), sagaId: id('other-saga') });
      const noSaga = await f.store.record({ ...sample(id, 5), sagaId: null });
      await f.store.markReplayed(malformed.id, 'ops-ann', new Date('2030-01-02T00:00:00.000Z'));
      const listed = async (filter: {
        reasonCode?: string;
        replayed?: boolean;
        sourceTopic?: string;
        sagaId?: string;
      }) =>
        (await f.store.list({ limit: 100, sourceTopic: id('topic'), ...filter })).map((d) => d.id);

      expect(await listed({})).toEqual([noSaga.id, otherSaga.id, unknown.id, malformed.id]);
      expect(await listed({ sagaId: id('saga') })).toEqual([unknown.id, malformed.id]);
      expect(await listed({ sagaId: id('other-saga') })).toEqual([otherSaga.id]);
      expect(await listed({ sagaId: id('no-such-saga') })).toEqual([]);
      expect(await listed({ sourceTopic: id('topic-2') })).toEqual([elsewhere.id]);
      expect(await listed({ reasonCode: 'UNKNOWN_MESSAGE_TYPE' })).toEqual([unknown.id]);
      expect(await listed({ reasonCode: 'NO_SUCH_REASON' })).toEqual([]);
      expect(await listed({ replayed: true })).toEqual([malformed.id]);
      expect(await listed({ replayed: false })).toEqual([noSaga.id, otherSaga.id, unknown.id]);
      expect(await listed({ replayed: false, reasonCode: 'MALFORMED_MESSAGE' })).toEqual([
        noSaga.id,
        otherSaga.id,
      ]);
      expect(await listed({ replayed: true, sagaId: id('other-saga') })).toEqual([]);
    });

    test('markReplayed stamps who replayed it, when and why; a second replay restamps it', async (f, id) => {
      const { id: stored } = await f.store.record(sample(id, 1));
      await f.store.markReplayed(
        stored,
        'ops-ann',
        new Date('2030-01-02T03:04:05.678Z'),
        'the Teleport handler is deployed',
      );
      await expect(f.store.get(stored)).resolves.toMatchObject({
        replayedAt: '2030-01-02T03:04:05.678Z',
        replayedBy: 'ops-ann',
        replayReason: 'the Teleport handler is deployed',
      });
      await f.store.markReplayed(stored, 'ops-bob', new Date('2030-01-03T00:00:00.000Z'));
      await expect(f.store.get(stored)).resolves.toMatchObject({
        replayedAt: '2030-01-03T00:00:00.000Z',
        replayedBy: 'ops-bob',
        replayReason: null,
        reason: sample(id, 1).reason,
      });
    });

    test('markReplayed of an id that was never given fails', async (f, id) => {
      await f.store.record(sample(id, 1));
      await expect(
        f.store.markReplayed(id('missing'), 'ops-ann', new Date('2030-01-02T00:00:00.000Z')),
      ).rejects.toThrow();
    });
  });
}

/** The `n`th dead letter of a test: one consumer and source topic, offsets by `n`. */
function sample(id: ContractIds, n: number): DeadLetter {
  return {
    consumer: id('consumer'),
    sourceTopic: id('topic'),
    partition: 2,
    // Above 2^53: offsets are kept as text.
    offset: String(9_007_199_254_740_993n + BigInt(n)),
    key: id('saga'),
    value: `{"malformed":${n}`,
    valueTruncated: false,
    headers: { 'sagaflow-message-id': id(`m-${n}`), 'sagaflow-kind': 'command' },
    reason: { code: 'MALFORMED_MESSAGE', message: `value ${n} is not JSON` },
    messageId: id(`m-${n}`),
    sagaId: id('saga'),
    failedAt: `2030-01-01T00:00:0${n}.123Z`,
  };
}
