import { randomBytes } from 'node:crypto';

import { InvalidArgumentError } from '@sagaflow/core';

import { waitForLockWait } from './__fixtures__/wait-for-lock-wait';
import { createTestDatabase, type TestDatabase } from './__fixtures__/test-database';
import { type StepResultKey, StepResults } from './step-results';

const run = randomBytes(4).toString('hex');
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase('participant');
});
afterAll(async () => {
  await db.drop();
});

describe('StepResults', () => {
  const results = new StepResults({ clock: { now: () => new Date('2031-04-05T06:07:08.009Z') } });
  const key = (label: string): StepResultKey => ({
    consumer: 'payment-service',
    sagaId: `sr-${run}-${label}`,
    step: 'reserve-credit',
    direction: 'forward',
  });

  it('inserts a result, stores its reply, and finds it', async () => {
    const k = key('happy');
    await expect(results.find(db.dataSource.manager, k)).resolves.toBeNull();

    await db.dataSource.transaction(async (manager) => {
      await expect(
        results.insert(manager, { ...k, messageId: `${k.sagaId}.reserve-credit.f.1`, attempt: 1 }),
      ).resolves.toEqual({ inserted: true, duplicate: false });
      await results.updateReply(manager, k, { outcome: 'success', payload: { reserved: 42 } });
    });

    await expect(results.find(db.dataSource.manager, k)).resolves.toEqual({
      ...k,
      messageId: `${k.sagaId}.reserve-credit.f.1`,
      attempt: 1,
      reply: { outcome: 'success', payload: { reserved: 42 } },
      createdAt: '2031-04-05T06:07:08.009Z',
      updatedAt: '2031-04-05T06:07:08.009Z',
    });
  });

  it('a second attempt of the step gets a duplicate; the direction is part of the key', async () => {
    const k = key('twice');
    const row = { ...k, messageId: 'first', attempt: 1, reply: { outcome: 'success' } };
    await results.insert(db.dataSource.manager, row);

    await expect(
      results.insert(db.dataSource.manager, { ...row, messageId: 'second', attempt: 2 }),
    ).resolves.toEqual({ inserted: false, duplicate: true });
    await expect(
      results.insert(db.dataSource.manager, { ...row, direction: 'compensation' }),
    ).resolves.toEqual({ inserted: true, duplicate: false });
    await expect(results.find(db.dataSource.manager, k)).resolves.toMatchObject({
      messageId: 'first',
      attempt: 1,
    });
  });

  it('a concurrent attempt waits for the first transaction, then gets a duplicate', async () => {
    const k = key('concurrent');
    const first = db.dataSource.createQueryRunner();
    await first.connect();
    try {
      await first.startTransaction();
      await results.insert(first.manager, { ...k, messageId: 'first', attempt: 1 });
      const second = db.dataSource.transaction(async (manager) => {
        const outcome = await results.insert(manager, { ...k, messageId: 'second', attempt: 1 });
        // The locking read sees the row the first transaction committed meanwhile.
        return { outcome, stored: await results.find(manager, k, { lock: true }) };
      });
      await waitForLockWait(db.dataSource, k.sagaId);
      await results.updateReply(first.manager, k, { outcome: 'success' });
      await first.commitTransaction();

      const { outcome, stored } = await second;
      expect(outcome.duplicate).toBe(true);
      expect(stored).toMatchObject({ messageId: 'first', reply: { outcome: 'success' } });
    } finally {
      if (first.isTransactionActive) await first.rollbackTransaction();
      await first.release();
    }
  });

  it('updating the reply of a missing result is an error', async () => {
    await expect(
      results.updateReply(db.dataSource.manager, key('missing'), { outcome: 'success' }),
    ).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it('deletes answered results updated before a cut-off, oldest first, up to a limit, and nothing else', async () => {
    const clock = { now: () => new Date('2019-01-01T00:00:00.000Z') };
    const old = new StepResults({ clock });
    const manager = db.dataSource.manager;
    const reply = { outcome: 'success' };
    const row = (k: StepResultKey) => ({ ...k, messageId: `${k.sagaId}.m`, attempt: 1 });
    // Answered one day after another: answered3 first, so it goes first.
    const answered = [key('answered3'), key('answered1'), key('answered2')];
    for (const [day, k] of answered.entries()) {
      clock.now = () => new Date(Date.UTC(2019, 0, 2 + day));
      await old.insert(manager, { ...row(k), reply });
    }
    // Inserted, never answered: a step whose handler did not commit its reply.
    const unanswered = key('unanswered');
    await old.insert(manager, row(unanswered));
    const theirs = { ...key('theirs'), consumer: 'ledger-service' };
    await old.insert(manager, { ...row(theirs), reply });
    clock.now = () => new Date('2020-06-01T00:00:00.000Z');
    const fresh = key('fresh');
    await old.insert(manager, { ...row(fresh), reply });
    const cutoff = new Date('2020-01-01T00:00:00.000Z');
    const left = async () =>
      (
        await db.dataSource.query<{ saga_id: string }[]>(
          'SELECT saga_id FROM step_result WHERE saga_id LIKE ? ORDER BY saga_id',
          [`sr-${run}-%`],
        )
      ).map((r) => r.saga_id);
    const before = await left();

    await expect(results.deleteBefore(manager, cutoff, 2, 'payment-service')).resolves.toBe(2);
    expect(await left()).toEqual(
      before.filter((id) => id !== key('answered3').sagaId && id !== key('answered1').sagaId),
    );
    // Only this consumer's when asked: the other consumer's result stays.
    await expect(results.deleteBefore(manager, cutoff, 1000, 'payment-service')).resolves.toBe(1);
    await expect(results.deleteBefore(manager, cutoff, 1000, 'payment-service')).resolves.toBe(0);
    expect(await left()).toContain(theirs.sagaId);
    // Every consumer's when not.
    await expect(results.deleteBefore(manager, cutoff, 1000)).resolves.toBe(1);

    const gone = [...answered, theirs].map((k) => k.sagaId);
    expect(await left()).toEqual(before.filter((id) => !gone.includes(id)));
    expect(await left()).toEqual(expect.arrayContaining([unanswered.sagaId, fresh.sagaId]));
    await expect(results.deleteBefore(manager, new Date(Number.NaN), 10)).rejects.toThrow(
      InvalidArgumentError,
    );
    await expect(results.deleteBefore(manager, cutoff, 0)).rejects.toThrow(InvalidArgumentError);
  });
});
