import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';

import { z } from 'zod';

import {
  createParticipantTestEnv,
  type ParticipantTestEnv,
} from './__fixtures__/participant-test-env';
import { type HandlerRuns, testHandlers } from './__fixtures__/test-handlers';
import { commandHandler } from './command-handler';
import { createParticipant, type Participant } from './participant';
import { type ParticipantOptions } from './participant-options';

let env: ParticipantTestEnv;
let participant: Participant;
let server: Server;
let baseUrl: string;
const runs: HandlerRuns = new Map();
/** Message ids the `Teleport` handler applied (deployed by the second version only). */
const teleported: string[] = [];

const MAX_ATTEMPTS = 2;

function options(extra: Partial<ParticipantOptions> = {}): ParticipantOptions {
  return {
    ...env.baseOptions,
    handlers: testHandlers(runs),
    maxHandlerAttempts: MAX_ATTEMPTS,
    handlerBackoffMs: 50,
    ...extra,
  };
}

/** A JSON request to the admin routes: its status and parsed body. */
async function call(
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  env = await createParticipantTestEnv('admin');
  participant = createParticipant(options());
  await participant.start();
  // The service's own server: the admin routes first, anything else is its business.
  server = createServer((request, response) => {
    void participant.admin.handle(request, response).then((handled) => {
      if (!handled) response.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 60_000);

afterAll(async () => {
  await new Promise<void>((resolve) => {
    server.close(() => {
      resolve();
    });
    server.closeAllConnections();
  });
  await participant.stop();
  await env.cleanup();
}, 60_000);

describe("a participant's admin routes", () => {
  it('list a FAILED EventProcess record and retry it: the command is processed', async () => {
    const sagaId = `s-${env.suffix}-failed`;
    const account = 'a-failed';
    await env.account(account, 100);
    // Fails on every attempt, then succeeds: FAILED, answered with a technical failure.
    const command = env.command({
      sagaId,
      messageType: 'Reserve',
      payload: { account, amount: 30, failTimes: MAX_ATTEMPTS },
    });
    await env.send(command);
    await env.eventually(
      async () => (await env.eventProcessRow(command.messageId))?.status === 'FAILED',
      'the FAILED record',
    );

    const listed = await call('GET', '/event-process/failed?limit=10');
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual({
      items: [
        expect.objectContaining({
          consumer: env.name,
          messageId: command.messageId,
          sagaId,
          status: 'FAILED',
          attempts: MAX_ATTEMPTS,
          lastError: expect.stringContaining('flaky failure') as unknown,
        }),
      ],
      nextCursor: null,
    });

    const path = `/event-process/failed/${env.name}/${encodeURIComponent(command.messageId)}/retry`;
    const retried = await call('POST', path, { actor: 'alice' });
    expect(retried.status).toBe(202);
    expect(retried.body).toMatchObject({ messageId: command.messageId, status: 'RECEIVED' });

    await env.eventually(
      async () => (await env.eventProcessRow(command.messageId))?.status === 'DONE',
      'the retried record DONE',
    );
    expect(runs.get(`Reserve:${sagaId}`)).toBe(MAX_ATTEMPTS + 1);
    await expect(env.accountState(account)).resolves.toEqual({ balance: 70, reservations: 1 });
    await expect(call('GET', '/event-process/failed')).resolves.toEqual({
      status: 200,
      body: { items: [], nextCursor: null },
    });

    // Not FAILED any more, another consumer's, a bad body, a bad cursor.
    await expect(call('POST', path, { actor: 'alice' })).resolves.toMatchObject({
      status: 404,
      body: { error: { code: 'FAILED_RECORD_NOT_FOUND' } },
    });
    await expect(
      call('POST', `/event-process/failed/orchestrator/${command.messageId}/retry`, {
        actor: 'alice',
      }),
    ).resolves.toMatchObject({ status: 404, body: { error: { code: 'FAILED_RECORD_NOT_FOUND' } } });
    await expect(call('POST', path, { actor: ' ' })).resolves.toEqual({
      status: 400,
      body: {
        error: {
          code: 'REQUEST_INVALID',
          message: expect.stringContaining('body.actor') as unknown,
          details: { issues: [expect.stringMatching(/^body\.actor: /) as unknown] },
        },
      },
    });
    await expect(call('GET', '/event-process/failed?cursor=nonsense')).resolves.toMatchObject({
      status: 400,
      body: { error: { code: 'ARGUMENT_INVALID' } },
    });
    await expect(call('GET', path)).resolves.toMatchObject({
      status: 405,
      body: { error: { code: 'METHOD_NOT_ALLOWED' } },
    });
  });

  it('list a dead letter and replay it once a handler for it is deployed: the command is processed', async () => {
    const sagaId = `s-${env.suffix}-dead`;
    const command = env.command({ sagaId, messageType: 'Teleport', payload: { to: 'mars' } });
    await env.send(command);
    await env.eventually(
      async () => ((await call('GET', '/dead-letters')).body.items as unknown[]).length === 1,
      'the dead letter',
    );

    const listed = await call(
      'GET',
      '/dead-letters?replayed=false&reasonCode=UNKNOWN_MESSAGE_TYPE',
    );
    expect(listed).toEqual({
      status: 200,
      body: {
        items: [
          expect.objectContaining({
            consumer: env.name,
            sourceTopic: env.topics.commands(env.name),
            messageId: command.messageId,
            sagaId,
            reason: expect.objectContaining({ code: 'UNKNOWN_MESSAGE_TYPE' }) as unknown,
            replayedAt: null,
          }),
        ],
        nextBeforeId: null,
      },
    });
    const id = String((listed.body.items as { id: string }[])[0]?.id);
    await expect(call('GET', `/dead-letters/${id}`)).resolves.toMatchObject({
      status: 200,
      body: { id, messageId: command.messageId },
    });

    // Stopped, it still lists, but cannot replay.
    await participant.stop();
    await expect(call('GET', `/dead-letters/${id}`)).resolves.toMatchObject({ status: 200 });
    await expect(
      call('POST', `/dead-letters/${id}/replay`, { actor: 'alice' }),
    ).resolves.toMatchObject({ status: 503, body: { error: { code: 'PARTICIPANT_NOT_RUNNING' } } });

    // The fix: a version that handles Teleport.
    participant = createParticipant(
      options({
        handlers: {
          ...testHandlers(runs),
          Teleport: commandHandler(z.object({ to: z.string() }), (payload, ctx) => {
            teleported.push(ctx.messageId);
            return { arrived: payload.to };
          }),
        },
      }),
    );
    await participant.start();

    const replayed = await call('POST', `/dead-letters/${id}/replay`, { actor: 'alice' });
    expect(replayed.status).toBe(200);
    expect(replayed.body).toMatchObject({ id, replayedBy: 'alice' });
    expect(replayed.body.replayedAt).toEqual(expect.any(String));

    await env.awaitReplies(sagaId, 1, 'the reply to the replayed command');
    expect(env.replies(sagaId)[0]).toMatchObject({
      outcome: 'success',
      payload: { arrived: 'mars' },
    });
    await expect(env.eventProcessRow(command.messageId)).resolves.toMatchObject({ status: 'DONE' });
    expect(teleported).toEqual([command.messageId]);

    // Replayed already: refused without force; with it, the EventProcess table drops the duplicate.
    await expect(
      call('POST', `/dead-letters/${id}/replay`, { actor: 'bob' }),
    ).resolves.toMatchObject({
      status: 409,
      body: { error: { code: 'DEAD_LETTER_ALREADY_REPLAYED' } },
    });
    await expect(
      call('POST', `/dead-letters/${id}/replay`, { actor: 'bob', force: true }),
    ).resolves.toMatchObject({ status: 200, body: { replayedBy: 'bob' } });
    await env.eventually(() => participant.stats.redelivered === 1, 'the duplicate dropped');
    expect(teleported).toEqual([command.messageId]);

    await expect(call('GET', '/dead-letters/424242')).resolves.toMatchObject({
      status: 404,
      body: { error: { code: 'DEAD_LETTER_NOT_FOUND' } },
    });
    await expect(call('GET', '/dead-letters?limit=0')).resolves.toMatchObject({
      status: 400,
      body: { error: { code: 'REQUEST_INVALID' } },
    });
    await expect(call('GET', '/dead-letters?replayed=false')).resolves.toEqual({
      status: 200,
      body: { items: [], nextBeforeId: null },
    });
  });
});
