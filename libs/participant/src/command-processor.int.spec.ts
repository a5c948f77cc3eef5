import { noopLogger } from '@sagaflow/core';
import { replyMessageId } from '@sagaflow/messaging';
import { MySqlInbox } from '@sagaflow/mysql';

import {
  createParticipantTestEnv,
  type ParticipantTestEnv,
} from './__fixtures__/participant-test-env';
import { testHandlers } from './__fixtures__/test-handlers';
import { CommandProcessor } from './command-processor';
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
    inbox: new MySqlInbox(env.dataSource),
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
  await env.recordInbox(command, {
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
    const row = await env.inboxRow(command.messageId);
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
