import { encodeEnvelope, successReply } from '@sagaflow/messaging';

import {
  createParticipantTestEnv,
  type ParticipantTestEnv,
} from './__fixtures__/participant-test-env';
import { type HandlerRuns, testHandlers } from './__fixtures__/test-handlers';
import { createParticipant, type Participant } from './participant';

let env: ParticipantTestEnv;
let participant: Participant;
const runs: HandlerRuns = new Map();

beforeAll(async () => {
  env = await createParticipantTestEnv('life');
  participant = createParticipant({
    ...env.baseOptions,
    handlers: testHandlers(runs),
    concurrency: 2,
    maxHandlerAttempts: 3,
    handlerBackoffMs: 50,
    // Records not updated for 2 s count as stale for the recovery job.
    leaseMs: 2_000,
  });
  await participant.start();
}, 60_000);

afterAll(async () => {
  await participant.stop();
  await env.cleanup();
}, 60_000);

describe('participant life cycle', () => {
  it('dead-letters malformed, unknown and misdirected messages, and goes on processing', async () => {
    const sagaId = `s-${env.suffix}-dead`;
    const account = 'a-dead';
    await env.account(account, 100);
    const unknown = env.command({ sagaId, messageType: 'Teleport', payload: {} });
    const reply = successReply(
      env.command({ sagaId, step: 'other', messageType: 'Reserve', payload: {} }),
      {},
      { source: 'elsewhere', occurredAt: new Date() },
    );
    const valid = env.command({ sagaId, messageType: 'Reserve', payload: { account, amount: 5 } });

    // All on the saga's key, so on one partition, before the valid command.
    await env.sendRaw(sagaId, 'this is not json');
    await env.send(unknown);
    await env.sendRaw(sagaId, encodeEnvelope(reply));
    await env.send(valid);
    await env.awaitReplies(sagaId, 1, 'the valid command reply');

    expect(env.replies(sagaId)[0]).toMatchObject({ outcome: 'success', step: 'reserve' });
    const deadLetters = await env.dataSource.query<
      { consumer: string; reason_code: string; message_id: string | null }[]
    >('SELECT consumer, reason_code, message_id FROM dead_letter ORDER BY id');
    expect(deadLetters).toEqual([
      { consumer: env.name, reason_code: 'MESSAGE_UNDECODABLE', message_id: null },
      { consumer: env.name, reason_code: 'UNKNOWN_MESSAGE_TYPE', message_id: unknown.messageId },
      { consumer: env.name, reason_code: 'WRONG_KIND', message_id: reply.messageId },
    ]);
    expect(participant.stats.deadLetters).toBe(3);
    await expect(env.accountState(account)).resolves.toEqual({ balance: 95, reservations: 1 });
  });

  it('processes a received command whose queued job was lost, once recovery runs', async () => {
    const sagaId = `s-${env.suffix}-lost-job`;
    const account = 'a-lost-job';
    await env.account(account, 100);
    const command = env.command({
      sagaId,
      messageType: 'Reserve',
      payload: { account, amount: 7 },
    });
    // As if consumed and recorded, and then Redis lost the job (a flush): the row alone.
    await env.recordInbox(command, { status: 'RECEIVED', at: new Date(Date.now() - 10_000) });

    await participant.recoverNow();
    await env.awaitReplies(sagaId, 1, 'the reply');

    expect(env.replies(sagaId)[0]).toMatchObject({ outcome: 'success', attempt: 1 });
    await expect(env.accountState(account)).resolves.toEqual({ balance: 93, reservations: 1 });
  });

  it('stops gracefully and resumes after a restart with nothing lost', async () => {
    const account = 'a-restart';
    await env.account(account, 1000);
    const saga = (i: number) => `s-${env.suffix}-restart-${i}`;
    const before = [0, 1, 2, 3, 4, 5].map((i) =>
      env.command({
        sagaId: saga(i),
        messageType: 'Reserve',
        payload: { account, amount: 10, delayMs: 150 },
      }),
    );
    await env.send(...before);
    await env.eventually(
      () => before.some((c) => env.replies(c.sagaId).length > 0),
      'a first reply',
    );

    // Stopped with commands still running or queued; more arrive while it is down.
    await participant.stop();
    expect(participant.running).toBe(false);
    const during = [6, 7].map((i) =>
      env.command({ sagaId: saga(i), messageType: 'Reserve', payload: { account, amount: 10 } }),
    );
    await env.send(...during);
    await participant.start();

    const all = [...before, ...during];
    await env.eventually(
      () => all.every((c) => env.replies(c.sagaId).length === 1),
      'a reply to every command',
    );
    for (const command of all) {
      expect(env.replies(command.sagaId)).toEqual([
        expect.objectContaining({
          outcome: 'success',
          replyTo: expect.objectContaining({ messageId: command.messageId }) as unknown,
        }),
      ]);
      expect(runs.get(`Reserve:${command.sagaId}`)).toBe(1);
    }
    await expect(env.accountState(account)).resolves.toEqual({ balance: 920, reservations: 8 });
    const notDone = await env.dataSource.query<unknown[]>(
      `SELECT 1 FROM event_process WHERE status <> 'DONE' AND message_id LIKE ?`,
      [`s-${env.suffix}-restart-%`],
    );
    expect(notDone).toHaveLength(0);
  });
});
