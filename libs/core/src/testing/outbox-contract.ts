import { type Outbox, type OutboxMessage, type OutboxRecord } from '../ports/outbox';
import {
  type ContractFixture,
  type ContractIds,
  type ContractSuiteOptions,
  contractTest,
} from './contract-support';
import { sampleMessage } from './contract-samples';

/** What {@link outboxContract} runs against, created afresh for every test. */
export interface OutboxContractFixture extends ContractFixture {
  /**
   * The implementation under test. The suite has it to itself while a test runs: it
   * publishes whatever is pending at the start of each test (its own table or database,
   * or one no relay uses), so leftovers of other runs do not disturb the counts.
   */
  readonly outbox: Outbox;
  /** Writes messages to the outbox, in order (e.g. through an event store append). */
  enqueue(messages: readonly OutboxMessage[]): Promise<void>;
}

/** Creates the fixture of one test; `teardown` on it is called after the test. */
export type OutboxContractFactory = () => Promise<OutboxContractFixture>;

/**
 * Declares the jest tests of the {@link Outbox} contract against the outbox the factory
 * returns: claiming in `seq` order up to a limit, marking published only after `publish`
 * resolves, and no message published twice or out of key order by concurrent relays.
 *
 * @example
 * ```ts
 * outboxContract('MySqlOutbox', async () => {
 *   const dataSource = await openTestDataSource();
 *   return {
 *     outbox: new MySqlOutbox(dataSource),
 *     enqueue: (messages) => insertOutboxRows(dataSource, messages),
 *     teardown: () => dataSource.destroy(),
 *   };
 * }, { runId: `ob-${randomSuffix}` });
 * ```
 */
export function outboxContract(
  name: string,
  factory: OutboxContractFactory,
  options: ContractSuiteOptions = {},
): void {
  const test = contractTest(
    'ob',
    async () => {
      const fixture = await factory();
      await drain(fixture.outbox);
      return fixture;
    },
    options,
  );

  describe(`Outbox contract: ${name}`, () => {
    test('publishBatch returns 0 when nothing waits', async (f) => {
      await expect(f.outbox.pendingCount()).resolves.toBe(0);
      await expect(f.outbox.publishBatch(10, () => Promise.resolve())).resolves.toBe(0);
    });

    test('publishBatch hands out up to `limit` messages in seq order and marks them published', async (f, id) => {
      const messages = keyed(id, ['a', 'b', 'a', 'c', 'b']);
      await f.enqueue(messages);
      await expect(f.outbox.pendingCount()).resolves.toBe(5);

      const first = await collect(f.outbox, 3);
      expect(first.count).toBe(3);
      expect(first.published.map(toMessage)).toEqual(messages.slice(0, 3));
      expectIncreasingSeq(first.published);
      await expect(f.outbox.pendingCount()).resolves.toBe(2);

      const second = await collect(f.outbox, 10);
      expect(second.published.map(toMessage)).toEqual(messages.slice(3));
      expect(Math.min(...second.published.map((m) => m.seq))).toBeGreaterThan(
        Math.max(...first.published.map((m) => m.seq)),
      );
      await expect(f.outbox.pendingCount()).resolves.toBe(0);
      await expect(f.outbox.publishBatch(10, () => Promise.resolve())).resolves.toBe(0);
    });

    test('publishBatch with createdBefore hands out only the messages created before it', async (f, id) => {
      const messages = keyed(id, ['a', 'b']);
      await f.enqueue(messages);
      const none = await collect(f.outbox, 10, new Date('2000-01-01T00:00:00Z'));
      expect(none.count).toBe(0);
      await expect(f.outbox.pendingCount()).resolves.toBe(2);
      const all = await collect(f.outbox, 10, new Date('2100-01-01T00:00:00Z'));
      expect(all.published.map(toMessage)).toEqual(messages);
    });

    test('markPublished marks the given unpublished messages only; publishBatch skips them', async (f, id) => {
      const messages = keyed(id, ['a', 'b', 'c']);
      await f.enqueue(messages);
      const [first, second, third] = messages.map((m) => m.id);
      await expect(f.outbox.markPublished([first ?? '', 'unknown-id'])).resolves.toBe(1);
      await expect(f.outbox.markPublished([first ?? ''])).resolves.toBe(0);
      await expect(f.outbox.markPublished([])).resolves.toBe(0);
      await expect(f.outbox.pendingCount()).resolves.toBe(2);
      const rest = await collect(f.outbox, 10);
      expect(rest.published.map((m) => m.id)).toEqual([second, third]);
    });

    test('records carry a creation time', async (f, id) => {
      await f.enqueue(keyed(id, ['a']));
      const { published } = await collect(f.outbox, 1);
      expect(Number.isNaN(Date.parse(published[0]?.createdAt ?? 'missing'))).toBe(false);
    });

    test('when publish rejects, the error propagates and the messages stay unpublished, in order', async (f, id) => {
      const messages = keyed(id, ['a', 'a', 'b']);
      await f.enqueue(messages);
      const failure = new Error('broker down');

      await expect(f.outbox.publishBatch(2, () => Promise.reject(failure))).rejects.toBe(failure);

      await expect(f.outbox.pendingCount()).resolves.toBe(3);
      const retry = await collect(f.outbox, 10);
      expect(retry.published.map(toMessage)).toEqual(messages);
    });

    test('concurrent relays publish every message once and keep each key in order', async (f, id) => {
      const keys = ['a', 'b', 'c', 'd'];
      const messages = keyed(
        id,
        Array.from({ length: 24 }, (_, i) => keys[(i * 7) % keys.length] ?? 'a'),
      );
      await f.enqueue(messages);
      const position = new Map(messages.map((m, i) => [m.id, i]));
      const handedOut = new Map<string, number>();
      const published = new Set<string>();
      const violations: string[] = [];

      const relay = async () => {
        for (let round = 0; round < 200 && published.size < messages.length; round += 1) {
          await f.outbox.publishBatch(3, async (batch) => {
            for (const [index, m] of batch.entries()) {
              handedOut.set(m.id, (handedOut.get(m.id) ?? 0) + 1);
              const inBatchBefore = new Set(batch.slice(0, index).map((b) => b.id));
              const earlierUnpublished = messages.filter(
                (other) =>
                  other.key === m.key &&
                  (position.get(other.id) ?? 0) < (position.get(m.id) ?? 0) &&
                  !published.has(other.id) &&
                  !inBatchBefore.has(other.id),
              );
              if (earlierUnpublished.length > 0) {
                violations.push(`${m.id} handed out before ${earlierUnpublished[0]?.id ?? ''}`);
              }
            }
            // Yield so that the relays interleave while this batch is in flight.
            for (let i = 0; i < 5; i += 1) await Promise.resolve();
            for (const m of batch) published.add(m.id);
          });
        }
      };
      await Promise.all([relay(), relay(), relay()]);

      expect(violations).toEqual([]);
      expect([...published].sort()).toEqual(messages.map((m) => m.id).sort());
      expect([...handedOut.values()].every((times) => times === 1)).toBe(true);
      await expect(f.outbox.pendingCount()).resolves.toBe(0);
    });
  });
}

/** Messages with ids `<id>-m<i>` and keys `<id>-<key>`, in the order given. */
function keyed(id: ContractIds, keys: readonly string[]): OutboxMessage[] {
  return keys.map((key, i) => sampleMessage(id(`m${i}`), id(key)));
}

async function collect(outbox: Outbox, limit: number, createdBefore?: Date) {
  const published: OutboxRecord[] = [];
  const count = await outbox.publishBatch(
    limit,
    (batch) => {
      published.push(...batch);
      return Promise.resolve();
    },
    createdBefore === undefined ? {} : { createdBefore },
  );
  return { count, published };
}

/** Publishes what other runs left behind, so counts in the test are its own. */
async function drain(outbox: Outbox): Promise<void> {
  for (let round = 0; round < 1000; round += 1) {
    if ((await outbox.publishBatch(500, () => Promise.resolve())) === 0) return;
  }
}

function toMessage({ id, topic, key, headers, value }: OutboxRecord): OutboxMessage {
  return { id, topic, key, headers, value };
}

function expectIncreasingSeq(records: readonly OutboxRecord[]): void {
  const seqs = records.map((r) => r.seq);
  expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  expect(new Set(seqs).size).toBe(seqs.length);
}
