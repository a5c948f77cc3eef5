import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';

import { type SagaEvent, type SagaStatus } from '@sagaflow/core';
import { safeName } from '@sagaflow/config';
import { createKafka } from '@sagaflow/kafka';
import { type CommandEnvelope, createTopicNames, MessageHeader } from '@sagaflow/messaging';
import { createDataSource } from '@sagaflow/mysql';
import { createLogger, createMetricsRegistry } from '@sagaflow/observability';
import { createRedis } from '@sagaflow/redis';
import { logLevel } from 'kafkajs';
import { type DataSource } from 'typeorm';

import { loadOrchestratorConfig, type OrchestratorConfig } from '../config';
import { EventStreamReader, type ServerSentEvent } from '../http/__fixtures__/server-sent-events';
import { hashApiToken, newApiToken } from '../http/api-tokens';
import { paymentSaga, type Scenario } from './__fixtures__/payment-saga';
import { startWalletParticipant, type WalletParticipant } from './__fixtures__/wallet-participant';
import { createOrchestrator, type Orchestrator } from './orchestrator';

const suffix = randomUUID().slice(0, 8);
const database = `sagaflow_it_${suffix}`;
const topicPrefix = `it-orch-${suffix}.`;
const keyPrefix = `it-orch-${suffix}:`;
const topics = createTopicNames({ prefix: topicPrefix });
const participantGroup = `${topicPrefix}wallet-test`;
/** The spec's API tokens: an operator (its name is the actor of its actions) and a viewer. */
const operatorToken = newApiToken();
const viewerToken = newApiToken();

const logLines: string[] = [];
const logger = createLogger({
  service: 'orchestrator-it',
  level: 'info',
  destination: new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logLines.push(chunk.toString('utf8'));
      callback();
    },
  }),
});

const config: OrchestratorConfig = (() => {
  const loaded = loadOrchestratorConfig({
    // The spec passes its definitions itself; the variable is required all the same.
    SAGAFLOW_SAGAS_MODULE: './__fixtures__/payment-saga',
    SAGAFLOW_MYSQL_DATABASE: database,
    SAGAFLOW_TOPIC_PREFIX: topicPrefix,
    SAGAFLOW_TOPIC_PARTITIONS: '2',
    SAGAFLOW_REDIS_KEY_PREFIX: keyPrefix,
    SAGAFLOW_OUTBOX_POLL_INTERVAL_MS: '200',
    SAGAFLOW_RECONCILIATION_INTERVAL_MS: '2000',
    // The retention stays at its default (7 days); the purge runs every second.
    SAGAFLOW_PURGE_INTERVAL_MS: '1000',
    // The spec reads counts right after changing them.
    SAGAFLOW_STATS_CACHE_MS: '0',
    SAGAFLOW_API_TOKENS: `ops-ann:operator:${hashApiToken(operatorToken)},dash:viewer:${hashApiToken(viewerToken)}`,
  });
  return { ...loaded, http: { ...loaded.http, port: 0 } };
})();

function newOrchestrator(): Orchestrator {
  return createOrchestrator({
    config,
    definitions: [paymentSaga],
    logger,
    registry: createMetricsRegistry({ defaultMetrics: false }),
  });
}

/** Deletes every Redis key that starts with `prefix` (SCAN, never KEYS). */
async function deleteKeys(prefix: string): Promise<void> {
  const redis = createRedis({ url: config.redis.url });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    await redis.quit();
  }
}

async function eventually<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}; last value ${JSON.stringify(value)}\n` +
          logLines.slice(-30).join(''),
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

// After every describe: even an orchestrator that never started has created its queues.
afterAll(async () => {
  await deleteKeys(keyPrefix);
  await deleteKeys(`bull:${safeName(keyPrefix)}`);
});

describe('createOrchestrator over Kafka, MariaDB and Redis', () => {
  let orchestrator: Orchestrator;
  let wallet: WalletParticipant;
  let db: DataSource;

  async function api(
    path: string,
    body?: unknown,
    token: string | null = operatorToken,
  ): Promise<{ status: number; body: unknown }> {
    const base = orchestrator.address();
    if (base === null) throw new Error('the orchestrator is not listening');
    const response = await fetch(`${base}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: {
        ...(token === null ? {} : { authorization: `Bearer ${token}` }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    const json: unknown = response.headers.get('content-type')?.includes('json')
      ? JSON.parse(text)
      : text;
    return { status: response.status, body: json };
  }

  async function startSaga(scenario: Scenario): Promise<string> {
    const { status, body } = await api('/sagas', {
      sagaType: 'payment',
      input: { wallet: `w-${scenario}`, amount: 10, scenario },
    });
    expect(status).toBe(201);
    return (body as { sagaId: string }).sagaId;
  }

  async function statusOf(sagaId: string): Promise<SagaStatus> {
    const { body } = await api(`/sagas/${sagaId}`);
    return (body as { status: SagaStatus }).status;
  }

  function awaitStatus(sagaId: string, status: SagaStatus): Promise<SagaStatus> {
    return eventually(
      () => statusOf(sagaId),
      (s) => s === status,
      `saga ${sagaId} to be ${status}`,
    );
  }

  async function historyOf(sagaId: string): Promise<SagaEvent[]> {
    const { body } = await api(`/sagas/${sagaId}/events`);
    return (body as { events: { event: SagaEvent }[] }).events.map((e) => e.event);
  }

  function commandsOf(sagaId: string): CommandEnvelope[] {
    return wallet.commands.filter((c) => c.sagaId === sagaId);
  }

  async function metric(name: string): Promise<number> {
    const { body } = await api('/metrics');
    const line = String(body)
      .split('\n')
      .find((l) => l.startsWith(`${name}{consumer="${config.serviceName}"}`));
    return line === undefined ? 0 : Number(line.split(' ').at(-1));
  }

  beforeAll(async () => {
    const admin = createDataSource({ database: 'mysql', poolSize: 1 });
    await admin.initialize();
    await admin.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
    await admin.destroy();

    orchestrator = newOrchestrator();
    await orchestrator.start();
    db = createDataSource({ database, poolSize: 2 });
    await db.initialize();
    wallet = await startWalletParticipant(topics, participantGroup);
  }, 60_000);

  afterAll(async () => {
    await Promise.allSettled([wallet.stop(), orchestrator.stop()]);
    if (db.isInitialized) await db.destroy();
    const admin = createDataSource({ database: 'mysql', poolSize: 1 });
    await admin.initialize();
    await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
    await admin.destroy();

    const kafkaAdmin = createKafka({
      brokers: config.kafka.brokers,
      clientId: `it-cleanup-${suffix}`,
      logLevel: logLevel.NOTHING,
    }).admin();
    await kafkaAdmin.connect();
    const ours = (await kafkaAdmin.listTopics()).filter((t) => t.startsWith(topicPrefix));
    if (ours.length > 0) await kafkaAdmin.deleteTopics({ topics: ours });
    await kafkaAdmin
      .deleteGroups([`${topicPrefix}${config.serviceName}`, participantGroup])
      .catch(() => undefined);
    await kafkaAdmin.disconnect();
  }, 60_000);

  it('is ready: Kafka, the replies consumer, MySQL and Redis answer', async () => {
    const { status, body } = await api('/ready');

    expect(status).toBe(200);
    expect(body).toMatchObject({ status: 'ready' });
    expect((body as { checks: unknown[] }).checks).toContainEqual(
      expect.objectContaining({ name: 'consumer', status: 'up', state: 'running' }),
    );
  });

  it('runs a saga started over HTTP to COMPLETED', async () => {
    const sagaId = await startSaga('ok');

    await awaitStatus(sagaId, 'COMPLETED');
    expect(commandsOf(sagaId).map((c) => c.messageType)).toEqual(['Reserve', 'Capture']);
    const types = (await historyOf(sagaId)).map((e) => e.type);
    expect(types[0]).toBe('SagaStarted');
    expect(types.at(-1)).toBe('SagaCompleted');
  });

  it('streams the events of a saga started over HTTP to a viewer, in order, and resumes after Last-Event-ID', async () => {
    const base = orchestrator.address() ?? '';
    const opened: EventStreamReader[] = [];
    const open = async (query: string, lastEventId?: string) => {
      const stream = await EventStreamReader.open(`${base}/events/stream${query}`, {
        token: viewerToken,
        ...(lastEventId === undefined ? {} : { lastEventId }),
      });
      opened.push(stream);
      return stream;
    };
    const parse = (events: readonly ServerSentEvent[]) =>
      events.map(({ id, data }) => ({
        id: id ?? '',
        ...(JSON.parse(data) as { sagaId: string; sagaType: string; seq: number; type: string }),
      }));
    try {
      expect(
        (await EventStreamReader.open(`${base}/events/stream`, { token: null })).response.status,
      ).toBe(401);
      const live = await open('?sagaType=payment');
      expect(live.response.status).toBe(200);

      const sagaId = await startSaga('ok');
      const ours: ReturnType<typeof parse> = [];
      while (ours.at(-1)?.type !== 'SagaCompleted') {
        ours.push(...parse(await live.take(1, 20_000)).filter((e) => e.sagaId === sagaId));
      }

      const history = await historyOf(sagaId);
      expect(ours.map((e) => e.type)).toEqual(history.map((e) => e.type));
      expect(ours.map((e) => e.seq)).toEqual(history.map((_, i) => i + 1));
      expect(ours.every((e) => e.sagaType === 'payment')).toBe(true);
      const ids = ours.map((e) => BigInt(e.id));
      expect(ids.every((id, i) => i === 0 || id > (ids[i - 1] ?? 0n))).toBe(true);

      const resumed = await open(`?sagaId=${sagaId}`, ours[1]?.id);
      const rest = parse(await resumed.take(ours.length - 2, 10_000));
      expect(rest).toEqual(ours.slice(2));
      expect(await resumed.collectFor(1500)).toEqual([]);
    } finally {
      for (const stream of opened) stream.close();
    }
  });

  it('asks for a token on every route but the probes, and for an operator to start a saga', async () => {
    for (const path of ['/health', '/ready', '/metrics']) {
      expect([path, (await api(path, undefined, null)).status]).toEqual([path, 200]);
    }
    const anonymous = await api('/sagas', undefined, null);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
    expect((await api('/stats', undefined, 'sf_not-a-token')).status).toBe(401);
    const start = { sagaType: 'payment', input: { wallet: 'w-dash', amount: 1, scenario: 'ok' } };
    const denied = await api('/sagas', start, viewerToken);
    expect(denied.status).toBe(403);
    expect(denied.body).toMatchObject({
      error: { code: 'ACCESS_DENIED', details: { role: 'viewer', required: 'operator' } },
    });

    const sagaId = await startSaga('ok');
    expect((await api(`/sagas/${sagaId}`, undefined, viewerToken)).status).toBe(200);
    expect(logLines.join('')).toMatch(
      /"message":"request completed".*"actor":"dash"|"actor":"dash".*"message":"request completed"/,
    );
  });

  it('compensates after a failure reply: the reservation is released, COMPENSATED', async () => {
    const sagaId = await startSaga('refuse');

    await awaitStatus(sagaId, 'COMPENSATED');
    expect(commandsOf(sagaId).map((c) => `${c.kind}:${c.messageType}`)).toEqual([
      'command:Reserve',
      'command:Capture',
      'compensation:Release',
    ]);
    const { body } = await api(`/sagas/${sagaId}`);
    expect(body).toMatchObject({ failure: { step: 'capture', code: 'CARD_DECLINED' } });
  });

  it('discards and counts a duplicate reply (same message id)', async () => {
    const sagaId = await startSaga('ok');
    await awaitStatus(sagaId, 'COMPLETED');
    const capture = commandsOf(sagaId).find((c) => c.messageType === 'Capture');
    const reply = capture === undefined ? undefined : wallet.replies.get(capture.messageId);
    if (reply === undefined) throw new Error('the capture reply was not sent');
    const before = await metric('sagaflow_duplicates_discarded_total');
    const eventsBefore = (await historyOf(sagaId)).length;

    await wallet.resend(reply);

    await eventually(
      () => metric('sagaflow_duplicates_discarded_total'),
      (count) => count === before + 1,
      'the duplicate to be counted',
    );
    const rows = await db.query<{ status: string }[]>(
      'SELECT status FROM event_process WHERE consumer = ? AND message_id = ?',
      [config.serviceName, reply.messageId],
    );
    expect(rows).toEqual([{ status: 'DONE' }]);
    expect(await historyOf(sagaId)).toHaveLength(eventsBefore);
  });

  it("retries a FAILED reply when an operator asks with a reason, recorded in its saga's history, and counts the FAILED records", async () => {
    const sagaId = await startSaga('ok');
    await awaitStatus(sagaId, 'COMPLETED');
    const capture = commandsOf(sagaId).find((c) => c.messageType === 'Capture');
    const reply = capture === undefined ? undefined : wallet.replies.get(capture.messageId);
    if (reply === undefined) throw new Error('the capture reply was not sent');
    const failedGauge = async () => {
      const { body } = await api('/metrics');
      const line = String(body)
        .split('\n')
        .find((l) => l.startsWith('sagaflow_event_process_failed_messages'));
      return Number(line?.split(' ').at(-1));
    };
    const failedInStats = async () =>
      ((await api('/stats')).body as { eventProcess: { failed: number } }).eventProcess.failed;
    const before = await failedInStats();
    // The same reply for a saga this database never had: terminal, FAILED at once.
    const missing = `missing-${suffix}`;
    const orphan = {
      ...reply,
      messageId: `${reply.messageId}.orphan`,
      sagaId: missing,
      correlationId: missing,
    };
    const rowOf = async () =>
      (
        await db.query<{ status: string; attempts: number; last_error: string }[]>(
          'SELECT status, attempts, last_error FROM event_process WHERE consumer = ? AND message_id = ?',
          [config.serviceName, orphan.messageId],
        )
      )[0];

    await wallet.resend(orphan);

    await eventually(rowOf, (row) => row?.status === 'FAILED', 'the FAILED record');
    expect(await rowOf()).toMatchObject({ attempts: 1 });
    expect(await failedInStats()).toBe(before + 1);
    expect(await failedGauge()).toBe(before + 1);

    const retryOf = (messageId: string, body: unknown = { reason: 'the saga is restored' }) =>
      api(`/event-process/failed/${config.serviceName}/${messageId}/retry`, body);
    expect((await retryOf(orphan.messageId, {})).status).toBe(400);
    const retried = await retryOf(orphan.messageId);

    expect(retried.status).toBe(202);
    expect(retried.body).toMatchObject({ messageId: orphan.messageId, status: 'RECEIVED' });
    // Processed again by the pool: still no such saga, so FAILED after a second attempt.
    await eventually(
      rowOf,
      (row) => row?.status === 'FAILED' && row.attempts === 2,
      'the retried record to fail again',
    );
    const retryLine = logLines.find((line) =>
      line.includes('"message":"failed EventProcess record retried"'),
    );
    expect(retryLine).toContain('"actor":"ops-ann"');
    expect(retryLine).toContain('"reason":"the saga is restored"');
    // No saga has the orphan's id: there is no history to record the retry in.
    expect(logLines.join('')).toContain(
      '"message":"redelivery not recorded in a saga history: the saga does not exist"',
    );
    const done = await retryOf(reply.messageId);
    expect(done.status).toBe(404);

    // A FAILED reply of a saga that exists (as if its processing had failed for good).
    await db.query(
      "UPDATE event_process SET status = 'FAILED', last_error = 'lost' WHERE consumer = ? AND message_id = ?",
      [config.serviceName, reply.messageId],
    );
    const eventsBefore = (await historyOf(sagaId)).length;

    expect((await retryOf(reply.messageId, { reason: 'replay after the outage' })).status).toBe(
      202,
    );

    // The record is requeued before the retry is recorded (the history never claims a retry
    // that did not happen), so the pool may have processed it already: both orders are right.
    expect((await historyOf(sagaId)).slice(eventsBefore)).toContainEqual(
      expect.objectContaining({
        type: 'MessageRedelivered',
        kind: 'event-process-retry',
        consumer: config.serviceName,
        messageId: reply.messageId,
        deadLetterId: null,
        actor: 'ops-ann',
        reason: 'replay after the outage',
      }),
    );
    // Processed again: the saga had it already, so it changes nothing but is recorded.
    const [redone] = await eventually(
      () =>
        db.query<{ status: string }[]>(
          'SELECT status FROM event_process WHERE consumer = ? AND message_id = ?',
          [config.serviceName, reply.messageId],
        ),
      (rows) => rows[0]?.status === 'DONE',
      'the retried reply to be processed',
    );
    expect(redone).toEqual({ status: 'DONE' });
    const after = await historyOf(sagaId);
    expect(
      after
        .slice(eventsBefore)
        .map((e) => e.type)
        .sort(),
    ).toEqual(['InputIgnored', 'MessageRedelivered']);
    expect((await api(`/sagas/${sagaId}`)).body).toMatchObject({ status: 'COMPLETED' });
  });

  it('records a malformed message on the replies topic as a dead letter', async () => {
    const marker = `not json ${randomUUID()}`;

    await wallet.produceRaw(marker);

    const rows = await eventually(
      () =>
        db.query<{ reason_code: string; consumer: string }[]>(
          'SELECT reason_code, consumer FROM dead_letter WHERE topic = ? AND value = ?',
          [topics.replies, marker],
        ),
      (found) => found.length > 0,
      'the dead letter',
    );
    expect(rows).toEqual([{ reason_code: 'MESSAGE_UNDECODABLE', consumer: config.serviceName }]);
  });

  it("replays a dead letter of a saga when an operator asks with a reason, recorded in the saga's history", async () => {
    const sagaId = await startSaga('ok');
    await awaitStatus(sagaId, 'COMPLETED');
    const marker = `not json ${randomUUID()}`;
    const messageId = `${sagaId}.garbled`;
    const deadLettersOf = () =>
      db.query<{ id: string | number; saga_id: string | null; message_id: string | null }[]>(
        'SELECT id, saga_id, message_id FROM dead_letter WHERE topic = ? AND value = ? ORDER BY id',
        [topics.replies, marker],
      );

    await wallet.produceRaw(marker, {
      [MessageHeader.SagaId]: sagaId,
      [MessageHeader.MessageId]: messageId,
    });

    const [row] = await eventually(deadLettersOf, (rows) => rows.length === 1, 'the dead letter');
    expect(row).toMatchObject({ saga_id: sagaId, message_id: messageId });
    const id = String(row?.id);
    const eventsBefore = (await historyOf(sagaId)).length;

    expect((await api(`/dead-letters/${id}/replay`, {})).status).toBe(400);
    const replayed = await api(`/dead-letters/${id}/replay`, { reason: 'decoder fixed' });

    expect(replayed.status).toBe(200);
    expect(replayed.body).toMatchObject({
      id,
      replayedBy: 'ops-ann',
      replayReason: 'decoder fixed',
    });
    expect((await historyOf(sagaId)).slice(eventsBefore)).toEqual([
      expect.objectContaining({
        type: 'MessageRedelivered',
        kind: 'dead-letter-replay',
        consumer: config.serviceName,
        messageId,
        deadLetterId: id,
        actor: 'ops-ann',
        reason: 'decoder fixed',
      }),
    ]);
    // Still not JSON: the replayed record is dead-lettered again, at its new offset.
    await eventually(deadLettersOf, (rows) => rows.length === 2, 'the replay to dead-letter');
    expect((await api(`/sagas/${sagaId}`)).body).toMatchObject({ status: 'COMPLETED' });
  });

  it('times a step out through BullMQ and retries it', async () => {
    const sagaId = await startSaga('drop-first');

    await awaitStatus(sagaId, 'COMPLETED');
    const reserves = commandsOf(sagaId).filter((c) => c.messageType === 'Reserve');
    expect(reserves.map((c) => c.attempt)).toEqual([1, 2]);
    const failures = (await historyOf(sagaId)).flatMap((e) =>
      e.type === 'AttemptFailed' ? [e.failure.kind] : [],
    );
    expect(failures).toEqual(['timeout']);
  });

  it('resumes a saga left in flight after a stop and a new start on the same database', async () => {
    const sagaId = await startSaga('hold');
    const held = await eventually(
      () => Promise.resolve(wallet.held.find((c) => c.sagaId === sagaId)),
      (command) => command !== undefined,
      'the capture command to be held',
    );
    if (held === undefined) throw new Error('unreachable: eventually returned no command');

    await orchestrator.stop();
    expect(orchestrator.address()).toBeNull();
    expect(await db.query('SELECT status FROM saga_instance WHERE saga_id = ?', [sagaId])).toEqual([
      { status: 'RUNNING' },
    ]);
    orchestrator = newOrchestrator();
    await orchestrator.start();
    await wallet.release(held);

    await awaitStatus(sagaId, 'COMPLETED');
    expect(commandsOf(sagaId).map((c) => c.messageType)).toEqual(['Reserve', 'Capture']);
  }, 45_000);
  it('listens first, opens the event store, then runs the consumer; logs each step and the first decisions', async () => {
    await orchestrator.stop();
    const from = logLines.length;
    orchestrator = newOrchestrator();
    const starting = orchestrator.start();
    const base = await eventually(
      () => Promise.resolve(orchestrator.address()),
      (address) => address !== null,
      'the HTTP API to listen',
      5000,
    );
    expect((await fetch(`${base ?? ''}/health`)).status).toBe(200);
    await starting;

    const sagaId = await startSaga('ok');
    await awaitStatus(sagaId, 'COMPLETED');

    const lines = logLines.slice(from).map((line) => JSON.parse(line) as Record<string, unknown>);
    const at = (message: string) => lines.findIndex((line) => line.message === message);
    const steps = [
      'http listening',
      'event store open',
      'replies consumer running',
      'orchestrator started',
    ];
    expect(steps.map(at).every((index) => index >= 0)).toBe(true);
    expect([...steps.map(at)].sort((a, b) => a - b)).toEqual(steps.map(at));
    for (const step of steps) {
      expect(lines[at(step)]).toMatchObject({ sinceProcessStartMs: expect.any(Number) as number });
    }
    expect(lines[at('replies consumer running')]).toMatchObject({
      state: 'running',
      previous: 'joining',
      joinMs: expect.any(Number) as number,
    });
    const firstDecisions = lines.filter((line) => line.message === 'first decision');
    expect(firstDecisions.map((line) => line.input)).toEqual(['start', 'reply']);
    expect(firstDecisions[1]).toMatchObject({ sagaType: 'payment', sagaId });
  }, 45_000);

  it('counts the backlog for its gauges', async () => {
    const gauge = async (name: string) => {
      const { body } = await api('/metrics');
      const line = String(body)
        .split('\n')
        .find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
      return Number(line?.split(' ').at(-1));
    };
    const sagaId = await startSaga('hold');
    await eventually(
      () => Promise.resolve(wallet.held.some((c) => c.sagaId === sagaId)),
      Boolean,
      'the capture command to be held',
    );

    // Counted at most every 500 ms: the saga held by the wallet shows up.
    await eventually(
      () => gauge('sagaflow_sagas_in_flight'),
      (count) => count >= 1,
      'the in-flight gauge',
    );
    expect(await gauge('sagaflow_event_process_pending_messages')).toBeGreaterThanOrEqual(0);
    const held = wallet.held.find((c) => c.sagaId === sagaId);
    if (held !== undefined) await wallet.release(held);
    await awaitStatus(sagaId, 'COMPLETED');
  });

  it('exports the sagas by status, the oldest one in flight, the consumer and outbox lag, and the HTTP requests by route', async () => {
    const scrape = async () => String((await api('/metrics')).body).split('\n');
    const sample = (lines: readonly string[], series: string): number | undefined => {
      const line = lines.find((l) => l.startsWith(`${series} `));
      return line === undefined ? undefined : Number(line.split(' ').at(-1));
    };
    const sagaId = await startSaga('hold');
    const held = await eventually(
      () => Promise.resolve(wallet.held.find((c) => c.sagaId === sagaId)),
      (command) => command !== undefined,
      'the capture command to be held',
    );
    if (held === undefined) throw new Error('unreachable: eventually returned no command');

    // The saga counts are cached for a few seconds: the held saga shows up within them.
    await eventually(
      scrape,
      (lines) =>
        (sample(lines, 'sagaflow_sagas{saga_type="payment",status="RUNNING"}') ?? 0) >= 1 &&
        (sample(lines, 'sagaflow_oldest_active_saga_age_seconds') ?? 0) > 0,
      'the running saga in the gauges',
    );
    await wallet.release(held);
    await awaitStatus(sagaId, 'COMPLETED');

    // Idle: every reply consumed and committed, every command published.
    const repliesLag = `sagaflow_consumer_lag_messages{group="${topicPrefix}${config.serviceName}",topic="${topics.replies}"`;
    const idle = await eventually(
      scrape,
      (lines) => {
        const lags = lines.filter((l) => l.startsWith(repliesLag));
        return (
          lags.length === 2 &&
          lags.every((l) => l.endsWith(' 0')) &&
          sample(lines, 'sagaflow_outbox_lag_seconds') === 0
        );
      },
      'no consumer lag and no outbox lag',
      30_000,
    );
    expect(
      sample(idle, 'sagaflow_sagas{saga_type="payment",status="COMPLETED"}'),
    ).toBeGreaterThanOrEqual(1);
    expect(sample(idle, 'sagaflow_sagas{saga_type="payment",status="COMPENSATION_FAILED"}')).toBe(
      0,
    );
    expect(sample(idle, 'sagaflow_oldest_active_saga_age_seconds')).toBeGreaterThanOrEqual(0);
    expect(
      sample(
        idle,
        'sagaflow_http_requests_total{method="GET",route="/sagas/:sagaId",status_code="200"}',
      ),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sample(idle, 'sagaflow_http_requests_total{method="POST",route="/sagas",status_code="201"}'),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sample(
        idle,
        'sagaflow_http_request_duration_seconds_count{method="GET",route="/sagas/:sagaId",status_code="200"}',
      ),
    ).toBeGreaterThanOrEqual(1);
    // Label values are route patterns, never the URLs asked.
    expect(idle.some((l) => l.includes(sagaId))).toBe(false);
  });

  it('purges finished rows past the retention on its schedule, and keeps fresh and unfinished ones', async () => {
    const id = (label: string) => `purge-${suffix}-${label}`;
    const old = new Date(Date.now() - 8 * 86_400_000);
    const fresh = new Date();
    const outboxRow = (label: string, publishedAt: Date) => [
      id(label),
      topics.commands('wallet'),
      id(label),
      0,
      '{}',
      '{}',
      publishedAt,
      publishedAt,
    ];
    await db.query(
      `INSERT INTO outbox (message_id, topic, message_key, shard, headers, value, created_at,
         published_at) VALUES ?`,
      [[outboxRow('old-published', old), outboxRow('fresh-published', fresh)]],
    );
    const record = (label: string, status: string, at: Date) => [
      config.serviceName,
      id(label),
      id('saga'),
      'Reply',
      '{}',
      status,
      1,
      at,
      at,
    ];
    // A FAILED record waits for an operator, however old: only DONE records are purged.
    await db.query(
      `INSERT INTO event_process (consumer, message_id, saga_id, message_type, payload, status,
         attempts, created_at, updated_at) VALUES ?`,
      [
        [
          record('old-done', 'DONE', old),
          record('old-failed', 'FAILED', old),
          record('fresh-done', 'DONE', fresh),
        ],
      ],
    );
    const purged = async (table: string) => {
      const { body } = await api('/metrics');
      const line = String(body)
        .split('\n')
        .find((l) => l.startsWith(`sagaflow_rows_purged_total{table="${table}"`));
      return line === undefined ? 0 : Number(line.split(' ').at(-1));
    };
    const left = async () => {
      const rows = await db.query<{ id: string }[]>(
        `SELECT message_id AS id FROM outbox WHERE message_id LIKE ?
         UNION ALL
         SELECT message_id AS id FROM event_process WHERE message_id LIKE ?`,
        [id('%'), id('%')],
      );
      return rows.map((r) => r.id).sort();
    };

    await eventually(left, (ids) => ids.length === 3, 'the purge of the old finished rows');

    expect(await left()).toEqual(
      [id('fresh-done'), id('fresh-published'), id('old-failed')].sort(),
    );
    expect(await purged('outbox')).toBeGreaterThanOrEqual(1);
    expect(await purged('event_process')).toBeGreaterThanOrEqual(1);
    expect(logLines.join('')).toContain('"message":"finished rows purged"');
    await db.query('DELETE FROM outbox WHERE message_id LIKE ?', [id('%')]);
    await db.query('DELETE FROM event_process WHERE message_id LIKE ?', [id('%')]);
  });

  it('re-arms the timers of active sagas at start-up (the timer queue lost meanwhile)', async () => {
    const sagaId = await startSaga('drop-first');
    await eventually(
      () => Promise.resolve(commandsOf(sagaId).length),
      (count) => count === 1,
      'the first reserve command',
    );
    await orchestrator.stop();
    await deleteKeys(`bull:${safeName(keyPrefix)}timers`);

    orchestrator = newOrchestrator();
    await orchestrator.start();

    await awaitStatus(sagaId, 'COMPLETED');
    const reserves = commandsOf(sagaId).filter((c) => c.messageType === 'Reserve');
    expect(reserves.map((c) => c.attempt)).toEqual([1, 2]);
  }, 45_000);
});

describe('the life cycle of an orchestrator', () => {
  it('stops cleanly without having started, and cannot start afterwards', async () => {
    const idle = newOrchestrator();

    await idle.stop();
    await idle.stop();

    await expect(idle.start()).rejects.toMatchObject({
      name: 'ConflictError',
      code: 'ORCHESTRATOR_STOPPED',
    });
    expect(idle.address()).toBeNull();
  });

  it('stops what it started when the start fails, and rethrows why', async () => {
    const missing = `sagaflow_it_missing_${suffix}`;
    const broken = createOrchestrator({
      config: { ...config, mysql: { ...config.mysql, database: missing } },
      definitions: [paymentSaga],
      logger,
      registry: createMetricsRegistry({ defaultMetrics: false }),
    });

    await expect(broken.start()).rejects.toThrow(`Unknown database '${missing}'`);
    await expect(broken.stop()).resolves.toBeUndefined();
    expect(broken.address()).toBeNull();
  });
});
