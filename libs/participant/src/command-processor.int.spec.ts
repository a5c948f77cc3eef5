import { type EventProcessMessage, noopLogger, TransientError } from '@sagaflow/core';
import {
  type CommandEnvelope,
  encodeEnvelope,
  MessageEncodeError,
  replyMessageId,
} from '@sagaflow/messaging';
import { MySqlEventProcessStore } from '@sagaflow/mysql';
import { z } from 'zod';

import {
  createParticipantTestEnv,
  type ParticipantTestEnv,
  type TestCommand,
} from './__fixtures__/participant-test-env';
import { type HandlerRuns, testHandlers } from './__fixtures__/test-handlers';
import { commandHandler, type CommandHandlers } from './command-handler';
import { type BatchLeft, CommandProcessor } from './command-processor';
import { HandlerFailedError } from './errors';
import { ParticipantMonitor } from './participant-monitor';

let env: ParticipantTestEnv;
let processor: CommandProcessor;
let monitor: ParticipantMonitor;
let commits = 0;
let sequence = 0;

beforeAll(async () => {
  env = await createParticipantTestEnv('proc');
  monitor = new ParticipantMonitor({}, noopLogger);
  processor = new CommandProcessor({
    consumer: env.name,
    dataSource: env.dataSource,
    eventProcess: new MySqlEventProcessStore(env.dataSource),
    topics: env.topics,
    handlers: testHandlers(new Map()),
    clock: { now: () => new Date() },
    logger: noopLogger,
    monitor,
    onCommitted: () => {
      commits += 1;
    },
  });
}, 60_000);

afterAll(async () => {
  await env.cleanup();
}, 60_000);

/** A command's EventProcess row, as the worker pool leaves it after its last claim failed. */
async function recorded(status: 'FAILED' | 'DONE' | 'RECEIVED') {
  sequence += 1;
  const command = env.command({
    sagaId: `s-${env.suffix}-${sequence}`,
    messageType: 'Reserve',
    payload: { account: 'a-1', amount: 5 },
  });
  await env.recordEventProcess(command, {
    status,
    lastError: status === 'FAILED' ? 'claim failed: Error: ER_LOCK_WAIT_TIMEOUT' : null,
  });
  return { command, message: { consumer: env.name, messageId: command.messageId } };
}

async function repliesTo(sagaId: string) {
  const rows = await env.dataSource.query<{ message_id: string; value: string }[]>(
    'SELECT message_id, value FROM outbox WHERE message_key = ?',
    [sagaId],
  );
  return rows.map((row) => ({ id: row.message_id, ...(JSON.parse(row.value) as object) }));
}

describe('CommandProcessor.answerUnclaimed', () => {
  it('answers a command whose record could not be claimed with a technical failure', async () => {
    const { command, message } = await recorded('FAILED');
    const commitsBefore = commits;
    const failuresBefore = monitor.stats.technicalFailures;

    await processor.answerUnclaimed(message, new Error('ER_LOCK_WAIT_TIMEOUT'));

    expect(await repliesTo(command.sagaId)).toEqual([
      expect.objectContaining({
        id: replyMessageId(command.messageId),
        kind: 'reply',
        outcome: 'failure',
        attempt: command.attempt,
        failure: expect.objectContaining({
          kind: 'technical',
          code: 'CLAIM_FAILED',
          message: expect.stringContaining('ER_LOCK_WAIT_TIMEOUT') as unknown,
        }) as unknown,
      }),
    ]);
    const row = await env.eventProcessRow(command.messageId);
    expect(row?.status).toBe('FAILED');
    expect(row?.last_error).toContain('could not be claimed');
    expect(commits).toBe(commitsBefore + 1);
    expect(monitor.stats.technicalFailures).toBe(failuresBefore + 1);
  });

  it('keeps the reply a command already has, and writes nothing for a record not FAILED', async () => {
    const failed = await recorded('FAILED');
    await processor.answerUnclaimed(failed.message, new Error('first'));
    const failuresBefore = monitor.stats.technicalFailures;
    await processor.answerUnclaimed(failed.message, new Error('second'));
    const done = await recorded('DONE');
    await processor.answerUnclaimed(done.message, new Error('late'));
    const received = await recorded('RECEIVED');
    await processor.answerUnclaimed(received.message, new Error('late'));
    await processor.answerUnclaimed({ consumer: env.name, messageId: 'unknown' }, new Error('x'));

    const [reply, ...more] = await repliesTo(failed.command.sagaId);
    expect(more).toEqual([]);
    expect(reply).toMatchObject({
      failure: { message: expect.stringContaining('first') as unknown },
    });
    expect(await repliesTo(done.command.sagaId)).toEqual([]);
    expect(await repliesTo(received.command.sagaId)).toEqual([]);
    expect(monitor.stats.technicalFailures).toBe(failuresBefore);
  });
});

/**
 * Handlers only the batch specs use: `ReserveThenExplode` writes like `Reserve`, then fails
 * with a technical error (its writes must be rolled back); `Sever` has its own connection
 * killed, which makes the server roll the whole transaction back.
 */
function batchHandlers(runs: HandlerRuns): CommandHandlers {
  const count = (type: string, sagaId: string): void => {
    const key = `${type}:${sagaId}`;
    runs.set(key, (runs.get(key) ?? 0) + 1);
  };
  return {
    ...testHandlers(runs),
    ReserveThenExplode: commandHandler(
      z.object({ account: z.string(), amount: z.number().int().positive() }),
      async (payload, ctx) => {
        count('ReserveThenExplode', ctx.sagaId);
        await ctx.manager.query(
          'INSERT INTO test_reservation (saga_id, step, account, amount) VALUES (?, ?, ?, ?)',
          [ctx.sagaId, ctx.step, payload.account, payload.amount],
        );
        await ctx.manager.query('UPDATE test_account SET balance = balance - ? WHERE account = ?', [
          payload.amount,
          payload.account,
        ]);
        throw new Error('the explosives went off after the reservation');
      },
    ),
    Sever: commandHandler(z.object({}), async (_payload, ctx) => {
      count('Sever', ctx.sagaId);
      const [row] = await ctx.manager.query<{ id: number | string }[]>(
        'SELECT CONNECTION_ID() AS id',
      );
      // From another connection of the pool: the batch's connection and transaction die.
      await env.dataSource.query(`KILL CONNECTION ${Number(row?.id)}`);
      await ctx.manager.query('SELECT 1');
      return {};
    }),
  };
}

describe('CommandProcessor.processBatch', () => {
  const runs: HandlerRuns = new Map();
  let batch: CommandProcessor;
  let batchMonitor: ParticipantMonitor;
  let batchCommits = 0;
  let sagas = 0;

  beforeAll(() => {
    batchMonitor = new ParticipantMonitor({}, noopLogger);
    batch = new CommandProcessor({
      consumer: env.name,
      dataSource: env.dataSource,
      eventProcess: new MySqlEventProcessStore(env.dataSource),
      topics: env.topics,
      handlers: batchHandlers(runs),
      clock: { now: () => new Date() },
      logger: noopLogger,
      monitor: batchMonitor,
      onCommitted: () => {
        batchCommits += 1;
      },
    });
  });

  /** A new saga id, with an account of its own holding `balance`. */
  async function saga(name: string, balance = 100): Promise<{ sagaId: string; account: string }> {
    sagas += 1;
    const sagaId = `b-${env.suffix}-${name}-${sagas}`;
    const account = `${sagaId}-acct`;
    await env.account(account, balance);
    return { sagaId, account };
  }

  function eventProcessMessage(command: CommandEnvelope): EventProcessMessage {
    return {
      consumer: env.name,
      messageId: command.messageId,
      sagaId: command.sagaId,
      messageType: command.messageType,
      payload: encodeEnvelope(command),
    };
  }

  /** A command whose EventProcess record is RECEIVED, as `eventProcess.receive` leaves it. */
  async function received(spec: TestCommand): Promise<CommandEnvelope> {
    const command = env.command(spec);
    await env.recordEventProcess(command, { status: 'RECEIVED' });
    return command;
  }

  async function stepResults(sagaIds: readonly string[]) {
    const rows = await env.dataSource.query<
      { saga_id: string; step: string; direction: string; message_id: string; reply: string }[]
    >(
      `SELECT saga_id, step, direction, message_id, reply FROM step_result
        WHERE consumer = ? AND saga_id IN (?) ORDER BY saga_id, step`,
      [env.name, sagaIds],
    );
    return rows.map((row) => ({ ...row, reply: JSON.parse(row.reply) as unknown }));
  }

  async function statuses(commands: readonly CommandEnvelope[]) {
    return Promise.all(
      commands.map(async (c) => {
        const row = await env.eventProcessRow(c.messageId);
        return [row?.status, row?.attempts];
      }),
    );
  }

  it('answers successes, business failures and stored results in one commit, and leaves a failed saga for the pool', async () => {
    const a = await saga('a');
    const b = await saga('b', 10);
    const c = await saga('c');
    const d = await saga('d');
    // Saga D's step was answered by an earlier batch: its attempt 2 answers from the result.
    const d1 = await received({
      sagaId: d.sagaId,
      messageType: 'Reserve',
      payload: { account: d.account, amount: 5 },
    });
    expect(await batch.processBatch([eventProcessMessage(d1)])).toEqual([]);

    const a1 = await received({
      sagaId: a.sagaId,
      messageType: 'Reserve',
      payload: { account: a.account, amount: 30 },
    });
    const c1 = await received({
      sagaId: c.sagaId,
      messageType: 'ReserveThenExplode',
      payload: { account: c.account, amount: 40 },
    });
    const b1 = await received({
      sagaId: b.sagaId,
      messageType: 'Reserve',
      payload: { account: b.account, amount: 50 },
    });
    const c2 = await received({
      sagaId: c.sagaId,
      step: 'second',
      messageType: 'Reserve',
      payload: { account: c.account, amount: 5 },
    });
    const d2 = await received({
      sagaId: d.sagaId,
      attempt: 2,
      messageType: 'Reserve',
      payload: { account: d.account, amount: 5 },
    });
    const a2 = await received({
      sagaId: a.sagaId,
      step: 'second',
      messageType: 'Reserve',
      payload: { account: a.account, amount: 20 },
    });
    const undecodable: EventProcessMessage = {
      consumer: env.name,
      messageId: `u-${env.suffix}-${sagas}`,
      sagaId: `u-${env.suffix}-${sagas}`,
      messageType: 'Reserve',
      payload: '{"not":"an envelope"',
    };
    const commitsBefore = batchCommits;
    const statsBefore = batchMonitor.stats;

    const left = await batch.processBatch([
      eventProcessMessage(a1), // 0: applied
      eventProcessMessage(c1), // 1: technical failure
      eventProcessMessage(b1), // 2: business failure
      eventProcessMessage(c2), // 3: behind saga C's failure
      eventProcessMessage(d2), // 4: stored
      undecodable, // 5
      eventProcessMessage(a2), // 6: applied after another saga's failure
    ]);

    expect(left).toStrictEqual<BatchLeft[]>([
      { index: 1, outcome: 'failed', error: expect.any(Error) as unknown },
      { index: 3, outcome: 'held-back' },
      { index: 5, outcome: 'not-run' },
    ]);
    const [first] = left;
    expect(first?.outcome === 'failed' ? (first.error as Error).message : null).toBe(
      'the explosives went off after the reservation',
    );

    // A's changes committed; B's and C's rolled back to their savepoints.
    expect(await env.accountState(a.account)).toEqual({ balance: 50, reservations: 2 });
    expect(await env.accountState(b.account)).toEqual({ balance: 10, reservations: 0 });
    expect(await env.accountState(c.account)).toEqual({ balance: 100, reservations: 0 });
    expect(await env.accountState(d.account)).toEqual({ balance: 95, reservations: 1 });
    // C's second command never ran, D's handler not again.
    expect(runs.get(`ReserveThenExplode:${c.sagaId}`)).toBe(1);
    expect(runs.get(`Reserve:${c.sagaId}`)).toBeUndefined();
    expect(runs.get(`Reserve:${d.sagaId}`)).toBe(1);
    expect(runs.get(`Reserve:${a.sagaId}`)).toBe(2);
    expect(runs.get(`Reserve:${b.sagaId}`)).toBe(1);

    const aReplies = await repliesTo(a.sagaId);
    expect(aReplies).toHaveLength(2);
    expect(aReplies).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          id: replyMessageId(a1.messageId),
          outcome: 'success',
          payload: { reservationId: `${a.sagaId}.reserve`, balance: 70 },
        }),
        expect.objectContaining({
          id: replyMessageId(a2.messageId),
          outcome: 'success',
          payload: { reservationId: `${a.sagaId}.second`, balance: 50 },
        }),
      ]),
    );
    expect(await repliesTo(b.sagaId)).toEqual([
      expect.objectContaining({
        id: replyMessageId(b1.messageId),
        outcome: 'failure',
        failure: expect.objectContaining({
          kind: 'business',
          code: 'INSUFFICIENT_FUNDS',
        }) as unknown,
      }),
    ]);
    expect(await repliesTo(c.sagaId)).toEqual([]);
    expect(await repliesTo(undecodable.sagaId)).toEqual([]);
    const dReplies = await repliesTo(d.sagaId);
    expect(dReplies).toHaveLength(2);
    const d1Reply = dReplies.find((r) => r.id === replyMessageId(d1.messageId));
    expect(dReplies.find((r) => r.id === replyMessageId(d2.messageId))).toEqual(
      expect.objectContaining({
        outcome: 'success',
        attempt: 2,
        payload: { reservationId: `${d.sagaId}.reserve`, balance: 95 },
      }),
    );
    expect(d1Reply).toMatchObject({ payload: { reservationId: `${d.sagaId}.reserve` } });

    // The DONE marks count the batch's run; the left ones are untouched.
    expect(await statuses([a1, b1, d2, a2, c1, c2])).toEqual([
      ['DONE', 1],
      ['DONE', 1],
      ['DONE', 1],
      ['DONE', 1],
      ['RECEIVED', 0],
      ['RECEIVED', 0],
    ]);
    // Ordered by saga id (A's sorts before D's) and step: none for B and C.
    expect(
      (await stepResults([a.sagaId, b.sagaId, c.sagaId, d.sagaId])).map((row) => [
        row.saga_id,
        row.step,
        row.direction,
        row.message_id,
        row.reply,
      ]),
    ).toEqual([
      [
        a.sagaId,
        'reserve',
        'forward',
        a1.messageId,
        {
          outcome: 'success',
          payload: { reservationId: `${a.sagaId}.reserve`, balance: 70 },
          applied: true,
        },
      ],
      [
        a.sagaId,
        'second',
        'forward',
        a2.messageId,
        {
          outcome: 'success',
          payload: { reservationId: `${a.sagaId}.second`, balance: 50 },
          applied: true,
        },
      ],
      [
        d.sagaId,
        'reserve',
        'forward',
        d1.messageId,
        {
          outcome: 'success',
          payload: { reservationId: `${d.sagaId}.reserve`, balance: 95 },
          applied: true,
        },
      ],
    ]);

    // One commit for the batch; what it settled is counted.
    expect(batchCommits).toBe(commitsBefore + 1);
    expect(batchMonitor.stats).toMatchObject({
      handled: statsBefore.handled + 4,
      applied: statsBefore.applied + 2,
      businessFailures: statsBefore.businessFailures + 1,
      stepDuplicates: statsBefore.stepDuplicates + 1,
      technicalFailures: statsBefore.technicalFailures,
      retries: statsBefore.retries,
    });
  });

  it('fails only the command whose reply cannot be encoded', async () => {
    const a = await saga('a');
    const g = await saga('g');
    const e = await saga('e');
    const a1 = await received({
      sagaId: a.sagaId,
      messageType: 'Reserve',
      payload: { account: a.account, amount: 10 },
    });
    const g1 = await received({ sagaId: g.sagaId, messageType: 'Garble', payload: {} });
    const e1 = await received({
      sagaId: e.sagaId,
      messageType: 'Reserve',
      payload: { account: e.account, amount: 15 },
    });
    const commitsBefore = batchCommits;

    const left = await batch.processBatch([
      eventProcessMessage(a1),
      eventProcessMessage(g1),
      eventProcessMessage(e1),
    ]);

    expect(left).toStrictEqual<BatchLeft[]>([
      { index: 1, outcome: 'failed', error: expect.any(MessageEncodeError) as unknown },
    ]);
    expect(runs.get(`Garble:${g.sagaId}`)).toBe(1);
    expect(await env.accountState(a.account)).toEqual({ balance: 90, reservations: 1 });
    expect(await env.accountState(e.account)).toEqual({ balance: 85, reservations: 1 });
    expect((await repliesTo(a.sagaId)).map((r) => r.id)).toEqual([replyMessageId(a1.messageId)]);
    expect((await repliesTo(e.sagaId)).map((r) => r.id)).toEqual([replyMessageId(e1.messageId)]);
    expect(await repliesTo(g.sagaId)).toEqual([]);
    expect(await statuses([a1, g1, e1])).toEqual([
      ['DONE', 1],
      ['RECEIVED', 0],
      ['DONE', 1],
    ]);
    // Garble's step_result row went with its savepoint.
    expect((await stepResults([a.sagaId, g.sagaId, e.sagaId])).map((r) => r.saga_id)).toEqual(
      [a.sagaId, e.sagaId].sort(),
    );
    expect(batchCommits).toBe(commitsBefore + 1);

    // What the pool's caller does next: the terminal error is answered with a technical failure.
    const [garbled] = left;
    const answered = await batch.answerFailedRun(
      eventProcessMessage(g1),
      garbled?.outcome === 'failed' ? garbled.error : null,
      {
        attempt: 1,
        final: false,
      },
    );
    expect(answered).toBeInstanceOf(HandlerFailedError);
    expect(await repliesTo(g.sagaId)).toEqual([
      expect.objectContaining({
        id: replyMessageId(g1.messageId),
        outcome: 'failure',
        failure: expect.objectContaining({
          kind: 'technical',
          code: 'HANDLER_FAILED',
          message: expect.stringContaining('MESSAGE_NOT_ENCODABLE') as unknown,
        }) as unknown,
      }),
    ]);
    expect((await env.eventProcessRow(g1.messageId))?.status).toBe('FAILED');
  });

  it('leaves every command, writing nothing, when the transaction itself fails', async () => {
    const a = await saga('a');
    const x = await saga('x');
    const e = await saga('e');
    const a1 = await received({
      sagaId: a.sagaId,
      messageType: 'Reserve',
      payload: { account: a.account, amount: 10 },
    });
    const b1 = await received({
      sagaId: a.sagaId,
      step: 'second',
      messageType: 'Reserve',
      payload: { account: a.account, amount: 500 },
    });
    const x1 = await received({ sagaId: x.sagaId, messageType: 'Sever', payload: {} });
    const e1 = await received({
      sagaId: e.sagaId,
      messageType: 'Reserve',
      payload: { account: e.account, amount: 15 },
    });
    const commitsBefore = batchCommits;
    const statsBefore = batchMonitor.stats;

    const left = await batch.processBatch([
      eventProcessMessage(a1),
      eventProcessMessage(b1),
      eventProcessMessage(x1),
      eventProcessMessage(e1),
    ]);

    expect(left).toStrictEqual<BatchLeft[]>([
      { index: 0, outcome: 'not-run' },
      { index: 1, outcome: 'not-run' },
      { index: 2, outcome: 'not-run' },
      { index: 3, outcome: 'not-run' },
    ]);
    expect(runs.get(`Sever:${x.sagaId}`)).toBe(1);
    // The commands run before the failure were rolled back with it; the later one never ran.
    expect(runs.get(`Reserve:${a.sagaId}`)).toBe(2);
    expect(runs.get(`Reserve:${e.sagaId}`)).toBeUndefined();
    expect(await env.accountState(a.account)).toEqual({ balance: 100, reservations: 0 });
    for (const sagaId of [a.sagaId, x.sagaId, e.sagaId]) {
      expect(await repliesTo(sagaId)).toEqual([]);
    }
    expect(await statuses([a1, b1, x1, e1])).toEqual(Array(4).fill(['RECEIVED', 0]));
    expect(await stepResults([a.sagaId, x.sagaId, e.sagaId])).toEqual([]);
    expect(batchCommits).toBe(commitsBefore);
    expect(batchMonitor.stats).toEqual(statsBefore);

    // The pool dropped the dead connection: the next batch runs (E's command, run one by one
    // or in a batch, commits).
    expect(await batch.processBatch([eventProcessMessage(e1)])).toEqual([]);
    expect(await env.accountState(e.account)).toEqual({ balance: 85, reservations: 1 });
  });

  it('writes nothing for an empty batch', async () => {
    const commitsBefore = batchCommits;

    expect(await batch.processBatch([])).toEqual([]);
    expect(batchCommits).toBe(commitsBefore);
  });
});

describe('CommandProcessor.answerFailedRun', () => {
  const runs: HandlerRuns = new Map();
  let answering: CommandProcessor;
  let answerMonitor: ParticipantMonitor;
  let answerCommits = 0;

  beforeAll(() => {
    answerMonitor = new ParticipantMonitor({}, noopLogger);
    answering = new CommandProcessor({
      consumer: env.name,
      dataSource: env.dataSource,
      eventProcess: new MySqlEventProcessStore(env.dataSource),
      topics: env.topics,
      handlers: testHandlers(runs),
      clock: { now: () => new Date() },
      logger: noopLogger,
      monitor: answerMonitor,
      onCommitted: () => {
        answerCommits += 1;
      },
    });
  });

  async function failedInBatch(messageType = 'Explode', direction?: 'compensation') {
    sequence += 1;
    const failing = env.command({
      sagaId: `f-${env.suffix}-${sequence}`,
      messageType,
      payload: messageType === 'Release' ? { account: 'a-1' } : {},
      ...(direction === undefined ? {} : { direction }),
    });
    await env.recordEventProcess(failing, { status: 'RECEIVED' });
    const message: EventProcessMessage = {
      consumer: env.name,
      messageId: failing.messageId,
      sagaId: failing.sagaId,
      messageType: failing.messageType,
      payload: encodeEnvelope(failing),
    };
    return { command: failing, message };
  }

  it('counts a retryable error as a retry: no reply, the record untouched, the error handed on', async () => {
    const { command, message } = await failedInBatch();
    const error = new Error('ER_LOCK_WAIT_TIMEOUT: try again');
    const commitsBefore = answerCommits;
    const statsBefore = answerMonitor.stats;

    const answered = await answering.answerFailedRun(message, error, {
      attempt: 1,
      final: false,
    });

    expect(answered).toBe(error);
    expect(await repliesTo(command.sagaId)).toEqual([]);
    expect(await env.eventProcessRow(command.messageId)).toEqual({
      status: 'RECEIVED',
      attempts: 0,
      last_error: null,
    });
    expect(answerCommits).toBe(commitsBefore);
    expect(answerMonitor.stats).toMatchObject({
      retries: statsBefore.retries + 1,
      technicalFailures: statsBefore.technicalFailures,
    });
  });

  it('answers a terminal error with a HANDLER_FAILED reply and marks the record FAILED', async () => {
    const { command, message } = await failedInBatch();
    const error = Object.assign(new Error('the payload makes no sense'), {
      code: 'TEST_FATAL',
      retryable: false,
    });
    const commitsBefore = answerCommits;
    const statsBefore = answerMonitor.stats;

    const answered = await answering.answerFailedRun(message, error, {
      attempt: 1,
      final: false,
    });

    expect(answered).toBeInstanceOf(HandlerFailedError);
    expect(answered).toMatchObject({ attempts: 1, cause: error, retryable: false });
    expect(await repliesTo(command.sagaId)).toEqual([
      expect.objectContaining({
        id: replyMessageId(command.messageId),
        kind: 'reply',
        outcome: 'failure',
        failure: {
          kind: 'technical',
          code: 'HANDLER_FAILED',
          message: 'Explode failed: TEST_FATAL: the payload makes no sense',
        },
      }),
    ]);
    expect(await env.eventProcessRow(command.messageId)).toEqual({
      status: 'FAILED',
      attempts: 0,
      last_error: 'Explode failed: TEST_FATAL: the payload makes no sense',
    });
    expect(answerCommits).toBe(commitsBefore + 1);
    expect(answerMonitor.stats).toMatchObject({
      handled: statsBefore.handled + 1,
      technicalFailures: statsBefore.technicalFailures + 1,
      retries: statsBefore.retries,
    });
  });

  it('answers a retryable error on the final run with a HANDLER_FAILED reply too', async () => {
    const { command, message } = await failedInBatch();

    const answered = await answering.answerFailedRun(message, new Error('still flaky'), {
      attempt: 1,
      final: true,
    });

    expect(answered).toBeInstanceOf(HandlerFailedError);
    expect(await repliesTo(command.sagaId)).toEqual([
      expect.objectContaining({
        failure: {
          kind: 'technical',
          code: 'HANDLER_FAILED',
          message: 'Explode failed 1 times; last error: Error: still flaky',
        },
      }),
    ]);
    expect((await env.eventProcessRow(command.messageId))?.status).toBe('FAILED');
  });

  it('writes nothing for a waiting compensation on its final run, nor for an undecodable record', async () => {
    const { command, message } = await failedInBatch('Release', 'compensation');
    const waiting = new TransientError('FORWARD_PENDING', 'the forward command is pending', {
      context: { sagaId: command.sagaId, step: command.step },
    });

    const answered = await answering.answerFailedRun(message, waiting, {
      attempt: 1,
      final: true,
    });

    expect(answered).toBe(waiting);
    expect(await repliesTo(command.sagaId)).toEqual([]);

    const garbage = { ...message, messageId: `${message.messageId}-x`, payload: 'garbage' };
    const decodeError = await answering.answerFailedRun(garbage, new Error('x'), {
      attempt: 1,
      final: true,
    });
    expect(decodeError).toMatchObject({ code: 'MESSAGE_UNDECODABLE', retryable: false });
    expect(await repliesTo(command.sagaId)).toEqual([]);
  });
});
