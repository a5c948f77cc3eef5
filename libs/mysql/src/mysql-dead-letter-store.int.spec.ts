import { randomBytes } from 'node:crypto';

import { type DeadLetter, DeadLetterNotFoundError } from '@sagaflow/core';
import { deadLetterStoreContract } from '@sagaflow/core/testing';

import { createTestDatabase, type TestDatabase } from './__fixtures__/test-database';
import { MySqlDeadLetterStore } from './mysql-dead-letter-store';

const run = randomBytes(4).toString('hex');
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase('participant');
});
afterAll(async () => {
  await db.drop();
});

function deadLetter(offset: number, overrides: Partial<DeadLetter> = {}): DeadLetter {
  return {
    consumer: `dl-${run}-consumer`,
    sourceTopic: `dl-${run}.commands`,
    partition: 2,
    offset: String(9_007_199_254_740_993n + BigInt(offset)),
    key: 'saga-1',
    value: '{not json',
    valueTruncated: false,
    headers: { 'sagaflow-message-id': `m-${offset}` },
    reason: { code: 'UNDECODABLE', message: 'Unexpected token n in JSON' },
    messageId: null,
    sagaId: 'saga-1',
    failedAt: '2031-02-03T04:05:06.789Z',
    ...overrides,
  };
}

deadLetterStoreContract(
  'MySqlDeadLetterStore',
  () => Promise.resolve({ store: new MySqlDeadLetterStore(db.dataSource) }),
  { runId: `dl-${run}`, testTimeoutMs: 20_000 },
);

describe('MySqlDeadLetterStore', () => {
  it('records a dead letter once per consumer, topic, partition and offset', async () => {
    const store = new MySqlDeadLetterStore(db.dataSource);
    const letter = deadLetter(1);

    const first = await store.record(letter);
    const again = await store.record({ ...letter, reason: { code: 'OTHER', message: 'again' } });
    const otherPartition = await store.record({ ...letter, partition: 3 });

    expect(first.created).toBe(true);
    expect(again).toEqual({ id: first.id, created: false });
    expect(otherPartition.created).toBe(true);
    expect(otherPartition.id).not.toBe(first.id);
    await expect(store.get(first.id)).resolves.toEqual({
      ...letter,
      id: first.id,
      replayedAt: null,
      replayedBy: null,
      replayReason: null,
    });
  });

  it('keeps tombstones and cuts what would not fit its column', async () => {
    const store = new MySqlDeadLetterStore(db.dataSource);
    const { id } = await store.record(
      deadLetter(2, {
        key: null,
        value: null,
        valueTruncated: true,
        messageId: 'x'.repeat(300),
        reason: { code: `CODE_${'Y'.repeat(100)}`, message: 'z'.repeat(20_000) },
      }),
    );
    const stored = await store.get(id);
    expect(stored).toMatchObject({ key: null, value: null, valueTruncated: true });
    expect(stored?.messageId).toHaveLength(255);
    expect(stored?.reason.code).toHaveLength(64);
    expect(stored?.reason.message).toHaveLength(16_000);
  });

  it('lists newest first with filters and keyset pagination, and marks replays', async () => {
    const store = new MySqlDeadLetterStore(db.dataSource);
    const topic = `dl-${run}.listing`;
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const reason = { code: i % 2 === 0 ? 'UNKNOWN_MESSAGE_TYPE' : 'INVALID', message: `#${i}` };
      ids.push((await store.record(deadLetter(100 + i, { sourceTopic: topic, reason }))).id);
    }
    const list = async (query: Parameters<MySqlDeadLetterStore['list']>[0]) =>
      (await store.list({ sourceTopic: topic, ...query })).map((d) => d.reason.message);

    expect(await list({ limit: 10 })).toEqual(['#4', '#3', '#2', '#1', '#0']);
    expect(await list({ limit: 2, beforeId: ids[3] ?? '' })).toEqual(['#2', '#1']);
    expect(await list({ limit: 10, reasonCode: 'INVALID' })).toEqual(['#3', '#1']);

    await store.markReplayed(
      ids[1] ?? '',
      'alice',
      new Date('2031-03-01T00:00:00.000Z'),
      'r'.repeat(2000),
    );
    expect(await list({ limit: 10, replayed: true })).toEqual(['#1']);
    expect(await list({ limit: 10, replayed: false })).toEqual(['#4', '#3', '#2', '#0']);
    await expect(store.get(ids[1] ?? '')).resolves.toMatchObject({
      replayedAt: '2031-03-01T00:00:00.000Z',
      replayedBy: 'alice',
      replayReason: 'r'.repeat(2000),
    });
  });

  it('an unknown id is null, and cannot be marked replayed', async () => {
    const store = new MySqlDeadLetterStore(db.dataSource);
    await expect(store.get('999999999')).resolves.toBeNull();
    await expect(store.get('not-an-id')).resolves.toBeNull();
    await expect(store.markReplayed('999999999', 'bob', new Date())).rejects.toBeInstanceOf(
      DeadLetterNotFoundError,
    );
  });
});
