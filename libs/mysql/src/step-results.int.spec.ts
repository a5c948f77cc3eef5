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
});
