import { randomBytes } from 'node:crypto';

import { type EventProcessMessage, InvalidArgumentError } from '@sagaflow/core';
import { eventProcessStoreContract } from '@sagaflow/core/testing';

import { waitForLockWait } from './__fixtures__/wait-for-lock-wait';
import { createTestDatabase, type TestDatabase } from './__fixtures__/test-database';
import { MySqlEventProcessStore, type MySqlEventProcessMessage } from './mysql-event-process-store';

const run = randomBytes(4).toString('hex');
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase('participant');
});
afterAll(async () => {
  await db.drop();
});

eventProcessStoreContract(
  'MySqlEventProcessStore',
  () =>
    Promise.resolve({
      eventProcess: new MySqlEventProcessStore(db.dataSource),
      now: () => new Date(),
    }),
  { runId: `ib-${run}`, testTimeoutMs: 20_000 },
);

describe('MySqlEventProcessStore', () => {
  let test = 0;
  let consumer: string;
  beforeEach(() => {
    test += 1;
    consumer = `ib-${run}-${test}-consumer`;
  });
  const message = (label: string, payload = '{}'): EventProcessMessage => ({
    consumer,
    messageId: `${consumer}-${label}`,
    sagaId: `${consumer}-saga`,
    messageType: 'ReserveCredit',
    payload,
  });
  const command = (label: string, kind: 'command' | 'compensation', step = 'reserve-credit') =>
    message(label, JSON.stringify({ kind, step, messageId: label, payload: {} }));
  const ids = (messages: readonly EventProcessMessage[]) => messages.map((m) => m.messageId);
  const anHourAgo = () => new Date(Date.now() - 3_600_000);

  it('receives a large batch in several statements: duplicates in the batch and across batches', async () => {
    const eventProcess = new MySqlEventProcessStore(db.dataSource, { maxRowsPerInsert: 3 });
    const first = Array.from({ length: 8 }, (_, i) => message(`m${i}`));
    const batch = [...first, first[2], first[5]].filter((m) => m !== undefined);

    const one = await eventProcess.receive(batch);
    expect(ids(one.accepted)).toEqual(ids(first));
    expect(ids(one.duplicates)).toEqual(ids([first[2], first[5]].filter((m) => m !== undefined)));

    const again = [message('m9'), ...first.slice(0, 4), message('m10'), message('m9')];
    const two = await eventProcess.receive(again);
    expect(ids(two.accepted)).toEqual([`${consumer}-m9`, `${consumer}-m10`]);
    expect(ids(two.duplicates)).toEqual([...ids(first.slice(0, 4)), `${consumer}-m9`]);

    const [row] = await db.dataSource.query<{ n: string }[]>(
      'SELECT COUNT(*) AS n FROM event_process WHERE consumer = ?',
      [consumer],
    );
    expect(Number(row?.n)).toBe(10);
  });

  it('leaves a duplicate the message a concurrent receive recorded first', async () => {
    const eventProcess = new MySqlEventProcessStore(db.dataSource);
    const [raced, fresh] = [message('raced'), message('fresh')];
    const holder = db.dataSource.createQueryRunner();
    await holder.connect();
    try {
      await holder.startTransaction();
      // Another consumer instance records `raced` and has not committed yet: our multi-row
      // INSERT waits for it, then collides, and the lookup that follows sees it.
      await holder.query(
        `INSERT INTO event_process (consumer, message_id, saga_id, message_type, payload, status,
           attempts, created_at, updated_at)
         VALUES (?, ?, ?, 'ReserveCredit', '{}', 'RECEIVED', 0, NOW(3), NOW(3))`,
        [consumer, raced.messageId, raced.sagaId],
      );
      const receiving = eventProcess.receive([fresh, raced]);
      await waitForLockWait(db.dataSource, fresh.messageId);
      await holder.commitTransaction();

      const result = await receiving;
      expect(ids(result.accepted)).toEqual([fresh.messageId]);
      expect(ids(result.duplicates)).toEqual([raced.messageId]);
      await expect(eventProcess.get(consumer, fresh.messageId)).resolves.toMatchObject({
        status: 'RECEIVED',
      });
    } finally {
      if (holder.isTransactionActive) await holder.rollbackTransaction();
      await holder.release();
    }
  });

  it('a PROCESSING record is claimed again only once its lease expired, by one claimer', async () => {
    let now = new Date('2031-06-01T00:00:00.000Z');
    const eventProcess = new MySqlEventProcessStore(db.dataSource, { clock: { now: () => now } });
    const at = (seconds: number) => new Date(Date.UTC(2031, 5, 1, 0, 0, seconds));
    const m = message('leased');
    await eventProcess.receive([m]);
    await expect(eventProcess.claim(consumer, m.messageId, at(-60))).resolves.toMatchObject({
      status: 'PROCESSING',
      attempts: 1,
    });

    // The lease runs while updated_at (00:00:00) is not before the cut-off.
    await expect(eventProcess.claim(consumer, m.messageId, at(0))).resolves.toBeNull();
    expect(ids(await eventProcess.findStale(at(0), 10_000))).not.toContain(m.messageId);
    expect(ids(await eventProcess.findStale(at(1), 10_000))).toContain(m.messageId);

    // Expired: three workers try at once; the winner's claim renews the lease.
    now = at(30);
    const claims = await Promise.all(
      [1, 2, 3].map(() => eventProcess.claim(consumer, m.messageId, at(1))),
    );
    expect(claims.filter((c) => c !== null)).toEqual([
      expect.objectContaining({
        status: 'PROCESSING',
        attempts: 2,
        updatedAt: at(30).toISOString(),
      }),
    ]);
    expect(ids(await eventProcess.findStale(at(1), 10_000))).not.toContain(m.messageId);
  });

  it('records the step and direction of commands, from the envelope or given', async () => {
    const eventProcess = new MySqlEventProcessStore(db.dataSource);
    const given: MySqlEventProcessMessage = {
      ...message('given'),
      step: 'reserve-stock',
      direction: 'compensation',
    };
    await eventProcess.receive([
      command('forward', 'command'),
      command('compensation', 'compensation'),
      message('reply', JSON.stringify({ kind: 'reply', step: 'reserve-credit' })),
      message('not-json', 'not json'),
      given,
    ]);
    const stepOf = async (label: string) => {
      const record = await eventProcess.get(consumer, `${consumer}-${label}`);
      return [record?.step, record?.direction];
    };
    expect(await stepOf('forward')).toEqual(['reserve-credit', 'forward']);
    expect(await stepOf('compensation')).toEqual(['reserve-credit', 'compensation']);
    expect(await stepOf('reply')).toEqual(['reserve-credit', null]);
    expect(await stepOf('not-json')).toEqual([null, null]);
    expect(await stepOf('given')).toEqual(['reserve-stock', 'compensation']);
  });

  it('a compensation waits while the forward command of its step is RECEIVED or PROCESSING', async () => {
    const eventProcess = new MySqlEventProcessStore(db.dataSource);
    const forward = command('forward', 'command');
    const sagaId = forward.sagaId;
    await eventProcess.receive([forward, command('compensation', 'compensation')]);
    const pending = () =>
      eventProcess.pendingForwardExists(db.dataSource.manager, consumer, sagaId, 'reserve-credit');

    await expect(pending()).resolves.toBe(true);
    await eventProcess.claim(consumer, forward.messageId, anHourAgo());
    await expect(pending()).resolves.toBe(true);
    await expect(
      eventProcess.pendingForwardExists(db.dataSource.manager, consumer, sagaId, 'reserve-stock'),
    ).resolves.toBe(false);

    // completeIn commits or rolls back with the caller's transaction.
    await expect(
      db.dataSource.transaction(async (manager) => {
        await eventProcess.completeIn(manager, consumer, forward.messageId);
        throw new Error('business change failed');
      }),
    ).rejects.toThrow('business change failed');
    await expect(pending()).resolves.toBe(true);
    await db.dataSource.transaction((manager) =>
      eventProcess.completeIn(manager, consumer, forward.messageId),
    );
    await expect(pending()).resolves.toBe(false);
  });

  it('lists FAILED records newest first, page by page', async () => {
    const clock = { now: () => new Date('2031-01-01T00:00:00.000Z') };
    const eventProcess = new MySqlEventProcessStore(db.dataSource, { clock });
    const failed = Array.from({ length: 5 }, (_, i) => message(`f${i}`));
    await eventProcess.receive([...failed, message('ok')]);
    for (const [i, m] of failed.entries()) {
      clock.now = () => new Date(Date.UTC(2031, 0, 1, 0, 0, i % 3));
      await eventProcess.fail(consumer, m.messageId, `error ${i}`);
    }
    await eventProcess.failIn(db.dataSource.manager, consumer, `${consumer}-unknown`, 'nothing');

    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 5; page += 1) {
      const result = await eventProcess.listFailed({
        consumer,
        limit: 2,
        ...(cursor === undefined ? {} : { cursor }),
      });
      seen.push(...result.items.map((r) => `${r.messageId.slice(-2)}:${r.lastError ?? ''}`));
      if (result.nextCursor === null) break;
      cursor = result.nextCursor;
    }
    expect(seen).toEqual(['f2:error 2', 'f4:error 4', 'f1:error 1', 'f3:error 3', 'f0:error 0']);
    await expect(eventProcess.listFailed({ limit: 2, cursor: 'garbage' })).rejects.toThrow(
      'invalid cursor',
    );
  });

  it("counts FAILED records, all of them or one consumer's", async () => {
    const eventProcess = new MySqlEventProcessStore(db.dataSource);
    const other = `${consumer}-other`;
    await eventProcess.receive([
      message('f1'),
      message('f2'),
      message('ok'),
      { ...message('f3'), consumer: other },
    ]);
    const before = await eventProcess.countFailed();
    await eventProcess.fail(consumer, message('f1').messageId, 'boom');
    await eventProcess.fail(consumer, message('f2').messageId, 'boom');
    await eventProcess.fail(other, message('f3').messageId, 'boom');
    await eventProcess.complete(consumer, message('ok').messageId);

    await expect(eventProcess.countFailed(consumer)).resolves.toBe(2);
    await expect(eventProcess.countFailed(other)).resolves.toBe(1);
    await expect(eventProcess.countFailed(`${consumer}-nobody`)).resolves.toBe(0);
    // Other tests of the file fail records too: count the difference.
    await expect(eventProcess.countFailed()).resolves.toBe(before + 3);
  });

  it("counts RECEIVED and PROCESSING records, all of them or one consumer's", async () => {
    const eventProcess = new MySqlEventProcessStore(db.dataSource);
    const other = `${consumer}-other`;
    const before = await eventProcess.countPending();
    await eventProcess.receive([
      message('p1'),
      message('p2'),
      message('p3'),
      message('p4'),
      { ...message('p5'), consumer: other },
    ]);
    await eventProcess.claim(consumer, message('p2').messageId, anHourAgo());
    await eventProcess.complete(consumer, message('p3').messageId);
    await eventProcess.fail(consumer, message('p4').messageId, 'boom');

    await expect(eventProcess.countPending(consumer)).resolves.toBe(2);
    await expect(eventProcess.countPending(other)).resolves.toBe(1);
    await expect(eventProcess.countPending(`${consumer}-nobody`)).resolves.toBe(0);
    await expect(eventProcess.countPending()).resolves.toBe(before + 3);
  });

  it("finds one consumer's stale records only, when asked", async () => {
    const clock = { now: () => new Date('2031-02-01T00:00:00.000Z') };
    const eventProcess = new MySqlEventProcessStore(db.dataSource, { clock });
    const other = `${consumer}-other`;
    await eventProcess.receive([message('mine'), { ...message('theirs'), consumer: other }]);
    const later = new Date('2031-02-01T01:00:00.000Z');

    const mine = await eventProcess.findStale(later, 100, consumer);
    const theirs = await eventProcess.findStale(later, 100, other);
    const everyone = await eventProcess.findStale(later, 10_000);

    expect(mine.map((r) => [r.consumer, r.messageId])).toEqual([
      [consumer, message('mine').messageId],
    ]);
    expect(theirs.map((r) => r.consumer)).toEqual([other]);
    expect(everyone.map((r) => r.messageId)).toEqual(
      expect.arrayContaining([message('mine').messageId, message('theirs').messageId]),
    );
  });

  it('deletes DONE records updated before a cut-off, oldest first, up to a limit, and nothing else', async () => {
    const clock = { now: () => new Date('2019-01-01T00:00:00.000Z') };
    const eventProcess = new MySqlEventProcessStore(db.dataSource, { clock });
    const [done1, done2, done3] = [message('done1'), message('done2'), message('done3')];
    const [received, processing, failed] = [
      message('received'),
      message('processing'),
      message('failed'),
    ];
    const fresh = message('fresh');
    const theirs = { ...message('theirs'), consumer: `${consumer}-other` };
    await eventProcess.receive([done1, done2, done3, received, processing, failed, fresh, theirs]);
    await eventProcess.claim(consumer, processing.messageId, anHourAgo());
    await eventProcess.claim(consumer, failed.messageId, anHourAgo());
    await eventProcess.fail(consumer, failed.messageId, 'no such saga');
    // DONE one day after another: done3 first, so it goes first.
    for (const [day, done] of [done3, done1, done2].entries()) {
      clock.now = () => new Date(Date.UTC(2019, 0, 2 + day));
      await eventProcess.complete(consumer, done.messageId);
    }
    await eventProcess.complete(theirs.consumer, theirs.messageId);
    clock.now = () => new Date('2020-06-01T00:00:00.000Z');
    await eventProcess.complete(consumer, fresh.messageId);
    const cutoff = new Date('2020-01-01T00:00:00.000Z');
    const left = async () =>
      (
        await db.dataSource.query<{ message_id: string }[]>(
          'SELECT message_id FROM event_process WHERE consumer IN (?, ?) ORDER BY message_id',
          [consumer, theirs.consumer],
        )
      ).map((r) => r.message_id);

    await expect(eventProcess.deleteDoneBefore(cutoff, 2, consumer)).resolves.toBe(2);
    expect(await left()).toEqual(
      [done2, received, processing, failed, fresh, theirs].map((m) => m.messageId).sort(),
    );
    // Only this consumer's when asked: the other consumer's DONE record stays.
    await expect(eventProcess.deleteDoneBefore(cutoff, 1000, consumer)).resolves.toBe(1);
    await expect(eventProcess.deleteDoneBefore(cutoff, 1000, consumer)).resolves.toBe(0);
    expect(await left()).toContain(theirs.messageId);
    // Every consumer's when not.
    await expect(eventProcess.deleteDoneBefore(cutoff, 1000)).resolves.toBe(1);

    expect(await left()).toEqual(
      [received, processing, failed, fresh].map((m) => m.messageId).sort(),
    );
    await expect(eventProcess.get(consumer, failed.messageId)).resolves.toMatchObject({
      status: 'FAILED',
    });
    await expect(eventProcess.deleteDoneBefore(new Date(Number.NaN), 10)).rejects.toThrow(
      InvalidArgumentError,
    );
    await expect(eventProcess.deleteDoneBefore(cutoff, 0)).rejects.toThrow(InvalidArgumentError);
  });

  it('moves a FAILED record back to RECEIVED for a retry, and nothing else', async () => {
    const clock = { now: () => new Date('2031-03-01T00:00:00.000Z') };
    const eventProcess = new MySqlEventProcessStore(db.dataSource, { clock });
    const [failed, done, received] = [message('failed'), message('done'), message('received')];
    await eventProcess.receive([failed, done, received]);
    await eventProcess.claim(consumer, failed.messageId, anHourAgo());
    await eventProcess.fail(consumer, failed.messageId, 'saga version 2 unknown');
    await eventProcess.complete(consumer, done.messageId);
    clock.now = () => new Date('2031-03-01T00:05:00.000Z');

    const retried = await eventProcess.retryFailed(consumer, failed.messageId);

    expect(retried).toMatchObject({
      messageId: failed.messageId,
      status: 'RECEIVED',
      attempts: 1,
      lastError: 'saga version 2 unknown',
      updatedAt: '2031-03-01T00:05:00.000Z',
    });
    await expect(eventProcess.get(consumer, failed.messageId)).resolves.toEqual(retried);
    await expect(eventProcess.countFailed(consumer)).resolves.toBe(0);
    // Claimable again, as a RECEIVED record is.
    await expect(
      eventProcess.claim(consumer, failed.messageId, new Date('2031-03-01T00:00:00.000Z')),
    ).resolves.toMatchObject({ status: 'PROCESSING', attempts: 2 });
    // Only FAILED records move: a second retry, a DONE, a RECEIVED or an unknown one is null.
    await expect(eventProcess.retryFailed(consumer, failed.messageId)).resolves.toBeNull();
    await expect(eventProcess.retryFailed(consumer, done.messageId)).resolves.toBeNull();
    await expect(eventProcess.retryFailed(consumer, received.messageId)).resolves.toBeNull();
    await expect(eventProcess.retryFailed(consumer, `${consumer}-unknown`)).resolves.toBeNull();
    await expect(eventProcess.get(consumer, done.messageId)).resolves.toMatchObject({
      status: 'DONE',
    });
  });
});
