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
    // The retention stays at its default (7 days); the purge runs every second.
    purgeIntervalMs: 1_000,
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
    await env.recordEventProcess(command, {
      status: 'RECEIVED',
      at: new Date(Date.now() - 10_000),
    });

    await participant.recoverNow();
    await env.awaitReplies(sagaId, 1, 'the reply');

    expect(env.replies(sagaId)[0]).toMatchObject({ outcome: 'success', attempt: 1 });
    await expect(env.accountState(account)).resolves.toEqual({ balance: 93, reservations: 1 });
  });

  it('purges the finished rows of a command past the retention, and keeps fresh and unfinished ones', async () => {
    const sagaId = `s-${env.suffix}-purge`;
    const account = 'a-purge';
    await env.account(account, 100);
    await env.send(
      env.command({ sagaId, messageType: 'Reserve', payload: { account, amount: 5 } }),
    );
    await env.awaitReplies(sagaId, 1, 'the reply');
    const rowsOf = async (saga: string) =>
      (
        await env.dataSource.query<{ row: string }[]>(
          `SELECT CONCAT('event_process ', consumer, ' ', message_id) AS \`row\`
             FROM event_process WHERE saga_id = ?
           UNION ALL
           SELECT CONCAT('step_result ', consumer, ' ', step) FROM step_result WHERE saga_id = ?
           UNION ALL
           SELECT CONCAT('outbox ', message_id) FROM outbox WHERE message_key = ?`,
          [saga, saga, saga],
        )
      )
        .map((r) => r.row)
        .sort();
    expect(await rowsOf(sagaId)).toHaveLength(3);

    // Eight days pass for the command's rows: past the retention.
    const old = new Date(Date.now() - 8 * 86_400_000);
    const now = new Date();
    await env.dataSource.query(
      'UPDATE event_process SET created_at = ?, updated_at = ? WHERE saga_id = ?',
      [old, old, sagaId],
    );
    await env.dataSource.query(
      'UPDATE step_result SET created_at = ?, updated_at = ? WHERE saga_id = ?',
      [old, old, sagaId],
    );
    await env.dataSource.query(
      'UPDATE outbox SET created_at = ?, published_at = ? WHERE message_key = ?',
      [old, old, sagaId],
    );
    // Kept: rows as old but unfinished (a FAILED record, a step without its reply) or of
    // another participant sharing the database, and finished rows of now.
    const kept = `s-${env.suffix}-purge-kept`;
    const other = 'other-participant';
    await env.dataSource.query(
      `INSERT INTO event_process (consumer, message_id, saga_id, message_type, payload, status,
         attempts, created_at, updated_at) VALUES ?`,
      [
        [
          [env.name, `${kept}-failed`, kept, 'Reserve', '{}', 'FAILED', 1, old, old],
          [other, `${kept}-theirs`, kept, 'Reserve', '{}', 'DONE', 1, old, old],
          [env.name, `${kept}-fresh`, kept, 'Reserve', '{}', 'DONE', 1, now, now],
        ],
      ],
    );
    await env.dataSource.query(
      `INSERT INTO step_result (consumer, saga_id, step, direction, message_id, attempt, reply,
         created_at, updated_at) VALUES ?`,
      [
        [
          [env.name, kept, 'unanswered', 'forward', 'm', 1, null, old, old],
          [other, kept, 'theirs', 'forward', 'm', 1, '{}', old, old],
          [env.name, kept, 'fresh', 'forward', 'm', 1, '{}', now, now],
        ],
      ],
    );
    await env.dataSource.query(
      `INSERT INTO outbox (message_id, topic, message_key, shard, headers, value, created_at,
         published_at) VALUES (?, ?, ?, 0, '{}', '{}', ?, ?)`,
      [`${kept}-fresh`, env.topics.replies, kept, now, now],
    );

    await env.eventually(
      async () => (await rowsOf(sagaId)).length === 0,
      'the purge of the old finished rows',
    );

    expect(await rowsOf(kept)).toEqual(
      [
        `event_process ${env.name} ${kept}-failed`,
        `event_process ${other} ${kept}-theirs`,
        `event_process ${env.name} ${kept}-fresh`,
        `step_result ${env.name} unanswered`,
        `step_result ${other} theirs`,
        `step_result ${env.name} fresh`,
        `outbox ${kept}-fresh`,
      ].sort(),
    );
    await expect(env.accountState(account)).resolves.toEqual({ balance: 95, reservations: 1 });
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
