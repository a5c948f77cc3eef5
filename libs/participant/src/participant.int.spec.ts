import {
  createParticipantTestEnv,
  type ParticipantTestEnv,
} from './__fixtures__/participant-test-env';
import { type HandlerRuns, testHandlers } from './__fixtures__/test-handlers';
import { createParticipant, type Participant } from './participant';

let env: ParticipantTestEnv;
let participant: Participant;
const runs: HandlerRuns = new Map();
let sequence = 0;

/** A saga id and an account of their own for each test. */
function ids(label: string): { sagaId: string; account: string } {
  sequence += 1;
  return { sagaId: `s-${env.suffix}-${sequence}-${label}`, account: `a-${sequence}-${label}` };
}

/** {@link ids}, with the account created holding `balance`. */
async function funded(
  label: string,
  balance: number,
): Promise<{ sagaId: string; account: string }> {
  const own = ids(label);
  await env.account(own.account, balance);
  return own;
}

beforeAll(async () => {
  env = await createParticipantTestEnv('core');
  participant = createParticipant({
    ...env.baseOptions,
    handlers: testHandlers(runs),
    concurrency: 4,
    maxHandlerAttempts: 4,
    handlerBackoffMs: 100,
  });
  await participant.start();
}, 60_000);

afterAll(async () => {
  await participant.stop();
  await env.cleanup();
}, 60_000);

describe('participant', () => {
  it('applies a command once: one business change, one reply on the replies topic', async () => {
    const { sagaId, account } = await funded('happy', 100);
    const command = env.command({
      sagaId,
      messageType: 'Reserve',
      payload: { account, amount: 30 },
    });

    await env.send(command);
    await env.awaitReplies(sagaId, 1, 'the reply');

    expect(env.replies(sagaId)).toEqual([
      expect.objectContaining({
        messageId: `${command.messageId}.r`,
        outcome: 'success',
        source: env.name,
        step: 'reserve',
        attempt: 1,
        payload: { reservationId: `${sagaId}.reserve`, balance: 70 },
        replyTo: { messageId: command.messageId, kind: 'command' },
      }),
    ]);
    await expect(env.accountState(account)).resolves.toEqual({ balance: 70, reservations: 1 });
    await expect(env.eventProcessRow(command.messageId)).resolves.toMatchObject({
      status: 'DONE',
      attempts: 1,
    });
    const outbox = await env.dataSource.query<{ message_id: string }[]>(
      'SELECT message_id FROM outbox WHERE message_key = ?',
      [sagaId],
    );
    expect(outbox.map((row) => row.message_id)).toEqual([`${command.messageId}.r`]);
    expect(runs.get(`Reserve:${sagaId}`)).toBe(1);
  });

  it('drops a redelivered command (same message id) and counts it as a duplicate', async () => {
    const { sagaId, account } = await funded('redelivered', 100);
    const command = env.command({
      sagaId,
      messageType: 'Reserve',
      payload: { account, amount: 30 },
    });
    await env.send(command);
    await env.awaitReplies(sagaId, 1, 'the first reply');
    const redeliveredBefore = participant.stats.redelivered;

    // The same record again, then a marker on the same key (same partition, later offset):
    // once the marker is answered, the copy has been consumed.
    const marker = env.command({
      sagaId,
      step: 'marker',
      messageType: 'Reserve',
      payload: { account, amount: 1 },
    });
    await env.send(command, marker);
    await env.eventually(
      () => env.replies(sagaId).some((r) => r.step === 'marker'),
      'the marker reply',
    );

    expect(participant.stats.redelivered).toBe(redeliveredBefore + 1);
    expect(env.replies(sagaId).filter((r) => r.step === 'reserve')).toHaveLength(1);
    expect(runs.get(`Reserve:${sagaId}`)).toBe(2);
    await expect(env.accountState(account)).resolves.toEqual({ balance: 69, reservations: 2 });
  });

  it('processes a redelivered command whose record was stored but never queued', async () => {
    const { sagaId, account } = await funded('stranded', 100);
    const command = env.command({
      sagaId,
      messageType: 'Reserve',
      payload: { account, amount: 20 },
    });
    // A crash between the record's insert and its job: RECEIVED, and no job for it.
    await env.recordEventProcess(command, { status: 'RECEIVED' });
    await env.send(command);
    // Answered by the redelivery itself, well before the recovery job (every 30 s, for
    // records stale for a while) would queue it.
    await env.eventually(
      () => env.replies(sagaId).length === 1,
      'the reply to the stranded command',
      10_000,
    );
    expect(env.replies(sagaId).map((r) => r.outcome)).toEqual(['success']);
    await expect(env.accountState(account)).resolves.toEqual({ balance: 80, reservations: 1 });
  });

  it('answers a new attempt of an applied step with the stored result, without a second change', async () => {
    const { sagaId, account } = await funded('reattempt', 100);
    const payload = { account, amount: 25 };
    await env.send(env.command({ sagaId, messageType: 'Reserve', payload }));
    await env.awaitReplies(sagaId, 1, 'the first reply');
    const duplicatesBefore = participant.stats.stepDuplicates;

    const second = env.command({ sagaId, messageType: 'Reserve', payload, attempt: 2 });
    await env.send(second);
    await env.awaitReplies(sagaId, 2, 'the second reply');

    const [first, answer] = env.replies(sagaId);
    expect(answer).toMatchObject({
      messageId: `${second.messageId}.r`,
      attempt: 2,
      outcome: 'success',
      payload: first?.payload,
      replyTo: { messageId: second.messageId },
    });
    expect(runs.get(`Reserve:${sagaId}`)).toBe(1);
    expect(participant.stats.stepDuplicates).toBe(duplicatesBefore + 1);
    await expect(env.accountState(account)).resolves.toEqual({ balance: 75, reservations: 1 });
  });

  it('applies concurrent attempts of one step once', async () => {
    const { sagaId, account } = await funded('concurrent', 100);
    const payload = { account, amount: 10, delayMs: 300 };
    const attempts = [1, 2, 3].map((attempt) =>
      env.command({ sagaId, messageType: 'Reserve', payload, attempt }),
    );

    await env.send(...attempts);
    await env.awaitReplies(sagaId, 3, 'three replies');

    const replies = env.replies(sagaId);
    expect(replies.map((r) => r.attempt).sort()).toEqual([1, 2, 3]);
    expect(new Set(replies.map((r) => r.outcome))).toEqual(new Set(['success']));
    expect(new Set(replies.map((r) => JSON.stringify(r.payload))).size).toBe(1);
    await expect(env.accountState(account)).resolves.toEqual({ balance: 90, reservations: 1 });
  });

  it('answers a business error with a failure reply and keeps no change', async () => {
    const { sagaId, account } = await funded('business', 10);
    const command = env.command({
      sagaId,
      messageType: 'Reserve',
      payload: { account, amount: 50 },
    });

    await env.send(command);
    await env.awaitReplies(sagaId, 1, 'the failure reply');

    expect(env.replies(sagaId)[0]).toMatchObject({
      outcome: 'failure',
      failure: { kind: 'business', code: 'INSUFFICIENT_FUNDS' },
      payload: {},
    });
    await expect(env.accountState(account)).resolves.toEqual({ balance: 10, reservations: 0 });
    await expect(env.eventProcessRow(command.messageId)).resolves.toMatchObject({ status: 'DONE' });
    const stored = await env.dataSource.query<unknown[]>(
      'SELECT 1 FROM step_result WHERE saga_id = ?',
      [sagaId],
    );
    expect(stored).toHaveLength(0);
  });

  it('refuses a payload that fails the handler schema with INVALID_PAYLOAD', async () => {
    const { sagaId, account } = await funded('invalid', 100);

    await env.send(
      env.command({ sagaId, messageType: 'Reserve', payload: { account, amount: -5 } }),
    );
    await env.awaitReplies(sagaId, 1, 'the failure reply');

    const [reply] = env.replies(sagaId);
    expect(reply).toMatchObject({
      outcome: 'failure',
      failure: { kind: 'business', code: 'INVALID_PAYLOAD' },
    });
    expect(reply?.outcome === 'failure' ? reply.failure.message : '').toContain('amount');
    expect(runs.has(`Reserve:${sagaId}`)).toBe(false);
    await expect(env.accountState(account)).resolves.toEqual({ balance: 100, reservations: 0 });
  });

  it('retries a flaky handler with back-off until it succeeds', async () => {
    const { sagaId, account } = await funded('flaky', 100);
    const retriesBefore = participant.stats.retries;
    const command = env.command({
      sagaId,
      messageType: 'Reserve',
      payload: { account, amount: 40, failTimes: 2 },
    });

    await env.send(command);
    await env.awaitReplies(sagaId, 1, 'the reply');

    expect(env.replies(sagaId)[0]).toMatchObject({ outcome: 'success', payload: { balance: 60 } });
    expect(runs.get(`Reserve:${sagaId}`)).toBe(3);
    expect(participant.stats.retries).toBe(retriesBefore + 2);
    await expect(env.accountState(account)).resolves.toEqual({ balance: 60, reservations: 1 });
    await expect(env.eventProcessRow(command.messageId)).resolves.toMatchObject({
      status: 'DONE',
      attempts: 3,
    });
  });

  it('answers a technical failure once the attempts run out, and marks the record FAILED', async () => {
    const { sagaId } = ids('explode');
    const command = env.command({ sagaId, messageType: 'Explode', payload: {} });

    await env.send(command);
    await env.awaitReplies(sagaId, 1, 'the failure reply');

    const [reply] = env.replies(sagaId);
    expect(reply).toMatchObject({
      outcome: 'failure',
      failure: { kind: 'technical', code: 'HANDLER_FAILED' },
    });
    expect(reply?.outcome === 'failure' ? reply.failure.message : '').toContain(
      'the explosives went off',
    );
    expect(runs.get(`Explode:${sagaId}`)).toBe(4);
    await env.eventually(
      async () => (await env.eventProcessRow(command.messageId))?.status === 'FAILED',
      'the FAILED record',
    );
    await expect(env.eventProcessRow(command.messageId)).resolves.toMatchObject({
      attempts: 4,
      last_error: expect.stringContaining('the explosives went off') as unknown,
    });
  });

  it('processes a FAILED command again without failing on the reply it already sent', async () => {
    const { sagaId, account } = await funded('replayed-failed', 100);
    // Fails on each of the 4 attempts, then succeeds: FAILED with a technical failure reply.
    const command = env.command({
      sagaId,
      messageType: 'Reserve',
      payload: { account, amount: 30, failTimes: 4 },
    });
    await env.send(command);
    await env.eventually(
      async () => (await env.eventProcessRow(command.messageId))?.status === 'FAILED',
      'the FAILED record',
    );
    await env.awaitReplies(sagaId, 1, 'the failure reply');

    // An operator retries it: RECEIVED again, old enough for the recovery job to requeue it.
    await env.dataSource.query(
      `UPDATE event_process SET status = 'RECEIVED', updated_at = ? WHERE message_id = ?`,
      [new Date(Date.now() - 600_000), command.messageId],
    );
    await participant.recoverNow();
    await env.eventually(
      async () => (await env.eventProcessRow(command.messageId))?.status === 'DONE',
      'the record DONE',
    );

    // The handler applied this time; the reply it would send has the id of the failure
    // reply already sent, which stands (the orchestrator has acted on it).
    expect(runs.get(`Reserve:${sagaId}`)).toBe(5);
    await expect(env.accountState(account)).resolves.toEqual({ balance: 70, reservations: 1 });
    const replies = await env.dataSource.query<{ message_id: string; value: string }[]>(
      'SELECT message_id, value FROM outbox WHERE message_key = ?',
      [sagaId],
    );
    expect(replies).toHaveLength(1);
    expect(JSON.parse(replies[0]?.value ?? '{}')).toMatchObject({
      outcome: 'failure',
      failure: { kind: 'technical', code: 'HANDLER_FAILED' },
    });
    const stored = await env.dataSource.query<{ reply: string }[]>(
      'SELECT reply FROM step_result WHERE saga_id = ?',
      [sagaId],
    );
    expect(JSON.parse(stored[0]?.reply ?? '{}')).toMatchObject({ outcome: 'success' });
  });

  it('answers a terminal error with a technical failure at once, without retrying', async () => {
    const { sagaId } = ids('garble');
    const command = env.command({ sagaId, messageType: 'Garble', payload: {} });

    await env.send(command);
    await env.awaitReplies(sagaId, 1, 'the failure reply');

    expect(env.replies(sagaId)[0]).toMatchObject({
      outcome: 'failure',
      failure: { kind: 'technical', code: 'HANDLER_FAILED' },
    });
    expect(runs.get(`Garble:${sagaId}`)).toBe(1);
    await env.eventually(
      async () => (await env.eventProcessRow(command.messageId))?.status === 'FAILED',
      'the FAILED record',
    );
    const stored = await env.dataSource.query<unknown[]>(
      'SELECT 1 FROM step_result WHERE saga_id = ?',
      [sagaId],
    );
    expect(stored).toHaveLength(0);
  });

  it('answers a compensation of a step that never applied without running it, and refuses the late forward', async () => {
    const { sagaId, account } = await funded('never-applied', 100);
    const compensation = env.command({
      sagaId,
      messageType: 'Release',
      direction: 'compensation',
      payload: { account },
    });

    await env.send(compensation);
    await env.awaitReplies(sagaId, 1, 'the compensation reply');
    expect(env.replies(sagaId)[0]).toMatchObject({
      outcome: 'success',
      payload: {},
      replyTo: { kind: 'compensation' },
    });
    expect(runs.has(`Release:${sagaId}`)).toBe(false);

    await env.send(
      env.command({ sagaId, messageType: 'Reserve', payload: { account, amount: 20 } }),
    );
    await env.awaitReplies(sagaId, 2, 'the forward reply');

    expect(env.replies(sagaId)[1]).toMatchObject({
      outcome: 'failure',
      failure: { kind: 'business', code: 'ALREADY_COMPENSATED' },
      replyTo: { kind: 'command' },
    });
    await expect(env.accountState(account)).resolves.toEqual({ balance: 100, reservations: 0 });
  });

  it('undoes an applied step once, after its forward command, even when both arrive together', async () => {
    const { sagaId, account } = await funded('undo', 100);
    const forward = env.command({
      sagaId,
      messageType: 'Reserve',
      payload: { account, amount: 35, delayMs: 300 },
    });
    const compensation = env.command({
      sagaId,
      messageType: 'Release',
      direction: 'compensation',
      payload: { account },
    });

    // One batch: the worker pool takes both at once, and the compensation waits.
    await env.send(forward, compensation);
    await env.awaitReplies(sagaId, 2, 'both replies');
    const again = env.command({
      sagaId,
      messageType: 'Release',
      direction: 'compensation',
      payload: { account },
      attempt: 2,
    });
    await env.send(again);
    await env.awaitReplies(sagaId, 3, 'the second compensation reply');

    const replies = env.replies(sagaId);
    expect(replies.map((r) => [r.replyTo.kind, r.attempt, r.outcome])).toEqual([
      ['command', 1, 'success'],
      ['compensation', 1, 'success'],
      ['compensation', 2, 'success'],
    ]);
    expect(replies[1]?.payload).toEqual({ released: 35 });
    expect(replies[2]?.payload).toEqual({ released: 35 });
    expect(runs.get(`Release:${sagaId}`)).toBe(1);
    await expect(env.accountState(account)).resolves.toEqual({ balance: 100, reservations: 0 });
  });

  it('reports itself ready', async () => {
    await expect(participant.checkHealth()).resolves.toEqual({
      ready: true,
      checks: { kafka: { ok: true }, mysql: { ok: true }, redis: { ok: true } },
    });
  });
});
