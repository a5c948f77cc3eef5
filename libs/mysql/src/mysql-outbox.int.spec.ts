import { randomBytes } from 'node:crypto';

import { type OutboxMessage, type OutboxRecord } from '@sagaflow/core';
import { outboxContract } from '@sagaflow/core/testing';

import { outboxMessage } from './__fixtures__/sample-sagas';
import { createTestDatabase, type TestDatabase } from './__fixtures__/test-database';
import { MySqlOutbox } from './mysql-outbox';
import { outboxShardOf } from './outbox-shard';
import { OutboxWriter } from './outbox-writer';
import { waitForLockWait } from './__fixtures__/wait-for-lock-wait';

const run = randomBytes(4).toString('hex');
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase('participant');
});
afterAll(async () => {
  await db.drop();
});

const writer = new OutboxWriter();
const enqueue = async (messages: readonly OutboxMessage[]): Promise<void> => {
  await db.dataSource.transaction((manager) => writer.write(manager, messages));
};

outboxContract(
  'MySqlOutbox',
  () => Promise.resolve({ outbox: new MySqlOutbox(db.dataSource), enqueue }),
  { runId: `ob-${run}`, testTimeoutMs: 20_000 },
);

/** Publishes everything pending, so each test starts from an empty outbox. */
async function drain(outbox: MySqlOutbox): Promise<void> {
  while ((await outbox.publishBatch(500, () => Promise.resolve())) > 0);
}

/** How a write of an id already in the outbox (or twice in the write) fails. */
const DUPLICATE_ID = { name: 'ConflictError', code: 'OUTBOX_MESSAGE_DUPLICATE' };

describe('MySqlOutbox', () => {
  const id = (label: string) => `ob-${run}-${label}`;

  it('two relays on two data sources publish every message once, each key in order', async () => {
    const other = await db.open({ migrations: false, poolSize: 4 });
    const relays = [new MySqlOutbox(db.dataSource), new MySqlOutbox(other)];
    await drain(relays[0] ?? new MySqlOutbox(db.dataSource));
    const keys = Array.from({ length: 12 }, (_, k) => id(`key${k}`));
    const messages = Array.from({ length: 240 }, (_, i) =>
      outboxMessage(id(`m${i}`), keys[(i * 5) % keys.length] ?? id('key0')),
    );
    // Written by several concurrent transactions, as concurrent sagas would.
    await Promise.all([0, 1, 2, 3].map((w) => enqueue(messages.filter((_, i) => i % 4 === w))));
    const published: OutboxRecord[] = [];
    const relay = async (outbox: MySqlOutbox) => {
      let idle = 0;
      while (idle < 3) {
        const count = await outbox.publishBatch(7, async (batch) => {
          // Let the other relay run while this batch is "on the wire".
          await new Promise((resolve) => setTimeout(resolve, 1));
          published.push(...batch);
        });
        idle = count === 0 && (await outbox.pendingCount()) === 0 ? idle + 1 : 0;
      }
    };

    await Promise.all(relays.map(relay));

    const ids = published.map((p) => p.id);
    expect(ids).toHaveLength(messages.length);
    expect(new Set(ids).size).toBe(messages.length);
    const seqOf = new Map(published.map((p) => [p.id, p.seq]));
    for (const key of keys) {
      const order = published.filter((p) => p.key === key).map((p) => p.seq);
      expect(order).toEqual([...order].sort((a, b) => a - b));
      const written = messages.filter((m) => m.key === key).map((m) => seqOf.get(m.id));
      expect([...written].sort((a = 0, b = 0) => a - b)).toEqual(order);
    }
  });

  it('writes the shard of each key, inside the caller transaction only', async () => {
    const outbox = new MySqlOutbox(db.dataSource);
    await drain(outbox);
    const message = outboxMessage(id('in-tx'), id('tx-key'));
    await expect(
      db.dataSource.transaction(async (manager) => {
        await writer.write(manager, [message]);
        throw new Error('business change failed');
      }),
    ).rejects.toThrow('business change failed');
    await expect(outbox.pendingCount()).resolves.toBe(0);

    await enqueue([message]);
    const [row] = await db.dataSource.query<{ shard: number }[]>(
      'SELECT shard FROM outbox WHERE message_id = ?',
      [message.id],
    );
    expect(row?.shard).toBe(outboxShardOf(message.key));
  });

  it('refuses a message id already in the outbox or twice in one write', async () => {
    const taken = outboxMessage(id('taken'), id('dup-key'));
    await enqueue([taken]);
    await expect(enqueue([outboxMessage(id('fresh'), id('dup-key')), taken])).rejects.toMatchObject(
      DUPLICATE_ID,
    );
    const twice = outboxMessage(id('twice'), id('dup-key'));
    await expect(enqueue([twice, twice])).rejects.toMatchObject(DUPLICATE_ID);
    const rows = await db.dataSource.query<{ message_id: string }[]>(
      'SELECT message_id FROM outbox WHERE message_key = ?',
      [id('dup-key')],
    );
    expect(rows.map((r) => r.message_id)).toEqual([taken.id]);
  });

  it('skips ids already in the outbox when asked, keeping the stored message', async () => {
    const stored = outboxMessage(id('skip-stored'), id('skip-key'));
    await enqueue([stored]);
    const again = { ...stored, value: '{"written":"again"}' };
    const fresh = outboxMessage(id('skip-fresh'), id('skip-key'));

    const result = await db.dataSource.transaction((manager) =>
      writer.write(manager, [again, fresh], { onDuplicate: 'skip' }),
    );

    expect(result).toEqual({ written: [fresh.id], skipped: [stored.id] });
    const rows = await db.dataSource.query<{ message_id: string; value: string }[]>(
      'SELECT message_id, value FROM outbox WHERE message_key = ? ORDER BY seq',
      [id('skip-key')],
    );
    expect(rows).toEqual([
      { message_id: stored.id, value: stored.value },
      { message_id: fresh.id, value: fresh.value },
    ]);
    await expect(
      db.dataSource.transaction((manager) =>
        writer.write(manager, [fresh], { onDuplicate: 'skip' }),
      ),
    ).resolves.toEqual({ written: [], skipped: [fresh.id] });
    await expect(
      db.dataSource.transaction((manager) =>
        writer.write(manager, [fresh, fresh], { onDuplicate: 'skip' }),
      ),
    ).rejects.toMatchObject(DUPLICATE_ID);
  });

  it('skips an id a concurrent transaction commits meanwhile', async () => {
    const raced = outboxMessage(id('raced'), id('race-key'));
    const fresh = outboxMessage(id('race-fresh'), id('race-key'));
    const holder = db.dataSource.createQueryRunner();
    await holder.connect();
    try {
      await holder.startTransaction();
      // Another transaction writes `raced` and has not committed: the multi-row INSERT waits
      // for it, then collides.
      await writer.write(holder.manager, [raced]);
      const writing = db.dataSource.transaction((manager) =>
        writer.write(manager, [fresh, raced], { onDuplicate: 'skip' }),
      );
      await waitForLockWait(db.dataSource, fresh.id);
      await holder.commitTransaction();

      await expect(writing).resolves.toEqual({ written: [fresh.id], skipped: [raced.id] });
      const rows = await db.dataSource.query<{ message_id: string }[]>(
        'SELECT message_id FROM outbox WHERE message_key = ? ORDER BY seq',
        [id('race-key')],
      );
      expect(rows.map((r) => r.message_id)).toEqual([raced.id, fresh.id]);
    } finally {
      if (holder.isTransactionActive) await holder.rollbackTransaction();
      await holder.release();
    }
  });

  it('deletes published messages older than a cut-off, oldest first, up to a limit', async () => {
    const outbox = new MySqlOutbox(db.dataSource);
    await drain(outbox);
    const key = id('cleanup');
    await enqueue([1, 2, 3].map((i) => outboxMessage(id(`old${i}`), key)));
    await new MySqlOutbox(db.dataSource, {
      clock: { now: () => new Date('2020-01-01T00:00:00.000Z') },
    }).publishBatch(10, () => Promise.resolve());
    await enqueue([outboxMessage(id('unpublished'), key)]);
    const cutoff = new Date('2021-01-01T00:00:00.000Z');

    await expect(outbox.deletePublishedBefore(cutoff, 2)).resolves.toBe(2);
    await expect(outbox.deletePublishedBefore(cutoff, 2)).resolves.toBe(1);
    await expect(outbox.deletePublishedBefore(cutoff, 1000)).resolves.toBe(0);

    const rows = await db.dataSource.query<{ message_id: string }[]>(
      'SELECT message_id FROM outbox WHERE message_key = ?',
      [key],
    );
    expect(rows.map((r) => r.message_id)).toEqual([id('unpublished')]);
  });

  it('tells when the oldest unpublished message was written, null once all are published', async () => {
    const outbox = new MySqlOutbox(db.dataSource);
    await drain(outbox);
    await expect(outbox.oldestPendingCreatedAt()).resolves.toBeNull();
    const writeAt = async (at: string, label: string) => {
      const stamped = new OutboxWriter({ clock: { now: () => new Date(at) } });
      await db.dataSource.transaction((manager) =>
        stamped.write(manager, [outboxMessage(id(label), id('lag'))]),
      );
    };
    // Inserted later, written by a clock behind: the oldest by `created_at`, not by `seq`.
    await writeAt('2030-01-01T00:00:05.000Z', 'lag-later-clock');
    await writeAt('2030-01-01T00:00:01.250Z', 'lag-earlier-clock');

    await expect(outbox.oldestPendingCreatedAt()).resolves.toEqual(
      new Date('2030-01-01T00:00:01.250Z'),
    );
    await drain(outbox);
    await expect(outbox.oldestPendingCreatedAt()).resolves.toBeNull();
  });

  it('rejects a limit that is not a positive integer', async () => {
    const outbox = new MySqlOutbox(db.dataSource);
    await expect(outbox.publishBatch(0, () => Promise.resolve())).rejects.toThrow(
      'invalid limit: 0 (must be an integer >= 1)',
    );
  });
});
