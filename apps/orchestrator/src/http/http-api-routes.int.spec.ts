import { randomUUID } from 'node:crypto';
import { join } from 'node:path';

import { safeName } from '@sagaflow/config';
import { defineSaga } from '@sagaflow/core';
import { createKafka } from '@sagaflow/kafka';
import { createTopicNames } from '@sagaflow/messaging';
import { createDataSource } from '@sagaflow/mysql';
import { createLogger, createMetricsRegistry } from '@sagaflow/observability';
import { createRedis } from '@sagaflow/redis';
import { logLevel } from 'kafkajs';
import { type DataSource } from 'typeorm';
import { z } from 'zod';

import { loadOrchestratorConfig } from '../config';
import { createOrchestrator, type Orchestrator } from '../runtime/orchestrator';
import { hashApiToken, newApiToken } from './api-tokens';

/**
 * Every route of the API against a real orchestrator (Kafka, MariaDB, Redis): 401 without or
 * with a wrong token, 403 for a viewer on every write, 2xx for the right role, 400 on invalid
 * input, 404 on unknown ids, 409 on a refused or stale action, 429 past the write limit. The
 * table must name every operation of `GET /openapi.json`, and only those.
 */
const suffix = randomUUID().slice(0, 8);
const database = `sagaflow_it_${suffix}`;
const topicPrefix = `it-api-${suffix}.`;
const keyPrefix = `it-api-${suffix}:`;
const topics = createTopicNames({ prefix: topicPrefix });
/** Writes one token may send per minute: enough for one route's cases, few to exhaust. */
const WRITE_LIMIT = 8;

/**
 * A saga that waits: its participant never answers within the test, so a started saga stays
 * RUNNING on its first step (abortable: the pivot is not dispatched).
 */
const waitingSaga = defineSaga('access-check', {
  version: 1,
  input: z.object({ n: z.number() }),
})
  .step('hold', (s) =>
    s
      .invoke('nobody', 'Hold', (d) => ({ n: d.n }))
      .compensate('nobody', 'Release', (d) => ({ n: d.n }))
      .timeout(600_000),
  )
  .pivot('commit', (s) => s.invoke('nobody', 'Commit', (d) => ({ n: d.n })).timeout(600_000))
  .build();

type Role = 'viewer' | 'operator';
const tokens = new Map<string, { secret: string; role: Role }>();
function token(name: string, role: Role): string {
  const secret = newApiToken();
  tokens.set(name, { secret, role });
  return secret;
}
const viewer = token('dash', 'viewer');
/** One operator token per write route, and one per route to spend its write limit. */
const WRITE_ROUTES = ['start', 'action', 'replay', 'retry'] as const;
const operatorOf = Object.fromEntries(
  WRITE_ROUTES.map((route) => [route, token(`ops-${route}`, 'operator')]),
) as Record<(typeof WRITE_ROUTES)[number], string>;
const burstOf = Object.fromEntries(
  WRITE_ROUTES.map((route) => [route, token(`burst-${route}`, 'operator')]),
) as Record<(typeof WRITE_ROUTES)[number], string>;
/** Sets the scene up: starts the saga the cases act on. */
const setupOperator = token('ops-setup', 'operator');

const config = (() => {
  const loaded = loadOrchestratorConfig({
    SAGAFLOW_SAGAS_MODULE: './unused',
    SAGAFLOW_MYSQL_DATABASE: database,
    SAGAFLOW_TOPIC_PREFIX: topicPrefix,
    SAGAFLOW_TOPIC_PARTITIONS: '1',
    SAGAFLOW_REDIS_KEY_PREFIX: keyPrefix,
    SAGAFLOW_API_WRITE_RATE_LIMIT: String(WRITE_LIMIT),
    SAGAFLOW_METRICS_PUBLIC: 'true',
    SAGAFLOW_DASHBOARD_DIR: join(__dirname, '__fixtures__', 'dashboard'),
    SAGAFLOW_API_TOKENS: [...tokens]
      .map(([name, { secret, role }]) => `${name}:${role}:${hashApiToken(secret)}`)
      .join(','),
  });
  return { ...loaded, http: { ...loaded.http, port: 0 } };
})();

let orchestrator: Orchestrator;
let db: DataSource;
/** Ids the cases use: a RUNNING saga, a dead letter, a FAILED EventProcess record. */
let sagaId = '';
let deadLetterId = '';
const failedMessageId = `failed-${suffix}`;

interface Answer {
  readonly status: number;
  readonly code: string | null;
  readonly headers: Headers;
}

async function call(
  method: 'GET' | 'POST',
  path: string,
  secret: string | null,
  body?: unknown,
): Promise<Answer> {
  const base = orchestrator.address();
  if (base === null) throw new Error('the orchestrator is not listening');
  const abort = new AbortController();
  const response = await fetch(`${base}${path}`, {
    method,
    signal: abort.signal,
    headers: {
      ...(secret === null ? {} : { authorization: `Bearer ${secret}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const type = response.headers.get('content-type') ?? '';
  if (type.startsWith('text/event-stream')) {
    // A live stream: its head is the answer.
    abort.abort();
    return { status: response.status, code: null, headers: response.headers };
  }
  const text = await response.text();
  const code = type.includes('json')
    ? ((JSON.parse(text) as { error?: { code?: string } }).error?.code ?? null)
    : null;
  return { status: response.status, code, headers: response.headers };
}

/** A request of a case: a path (with its query) and, for a write, a body. */
interface Request {
  readonly path: string;
  readonly body?: unknown;
}

/** One operation of the API and the requests that show each answer. */
interface RouteCase {
  readonly method: 'GET' | 'POST';
  /** As in the OpenAPI document. */
  readonly template: string;
  readonly access: 'public' | 'viewer' | 'operator';
  /** The write route's name (its tokens), for operator routes. */
  readonly write?: (typeof WRITE_ROUTES)[number];
  readonly ok: () => Request & { readonly status: number };
  readonly invalid?: () => Request;
  readonly unknown?: () => Request;
  /** Refused (409), with the code each answers. */
  readonly refused?: () => readonly (Request & { readonly code: string })[];
}

const reason = 'checked by the access matrix';

const ROUTES: readonly RouteCase[] = [
  {
    method: 'POST',
    template: '/sagas',
    access: 'operator',
    write: 'start',
    ok: () => ({
      path: '/sagas',
      body: { sagaType: 'access-check', input: { n: 1 } },
      status: 201,
    }),
    invalid: () => ({ path: '/sagas', body: { sagaType: 'access-check' } }),
    unknown: () => ({ path: '/sagas', body: { sagaType: 'no-such-saga', input: { n: 1 } } }),
  },
  {
    method: 'GET',
    template: '/sagas',
    access: 'viewer',
    ok: () => ({
      path: '/sagas?status=RUNNING,COMPENSATING&stuck=true&stuckAfterMs=1000',
      status: 200,
    }),
    invalid: () => ({ path: '/sagas?sort=started&updatedBefore=2031-01-01T00:00:00Z' }),
  },
  {
    method: 'GET',
    template: '/sagas/{sagaId}',
    access: 'viewer',
    ok: () => ({ path: `/sagas/${sagaId}`, status: 200 }),
    invalid: () => ({ path: '/sagas/not%20an%20id' }),
    unknown: () => ({ path: '/sagas/no-such-saga' }),
  },
  {
    method: 'GET',
    template: '/sagas/{sagaId}/events',
    access: 'viewer',
    ok: () => ({ path: `/sagas/${sagaId}/events?limit=2`, status: 200 }),
    invalid: () => ({ path: `/sagas/${sagaId}/events?limit=0` }),
    unknown: () => ({ path: '/sagas/no-such-saga/events' }),
  },
  {
    method: 'POST',
    template: '/sagas/{sagaId}/actions/{action}',
    access: 'operator',
    write: 'action',
    ok: () => ({ path: `/sagas/${sagaId}/actions/abort`, body: { reason }, status: 200 }),
    invalid: () => ({ path: `/sagas/${sagaId}/actions/abort`, body: { reason: '' } }),
    unknown: () => ({ path: '/sagas/no-such-saga/actions/abort', body: { reason } }),
    refused: () => [
      {
        path: `/sagas/${sagaId}/actions/retry-compensation`,
        body: { reason },
        code: 'ACTION_NOT_ALLOWED',
      },
      {
        path: `/sagas/${sagaId}/actions/abort`,
        body: { reason, expectedVersion: 1 },
        code: 'SAGA_VERSION_MOVED',
      },
    ],
  },
  {
    method: 'GET',
    template: '/definitions',
    access: 'viewer',
    ok: () => ({ path: '/definitions', status: 200 }),
  },
  {
    method: 'GET',
    template: '/definitions/{name}/{version}/graph',
    access: 'viewer',
    ok: () => ({ path: '/definitions/access-check/1/graph?format=mermaid', status: 200 }),
    invalid: () => ({ path: '/definitions/access-check/one/graph' }),
    unknown: () => ({ path: '/definitions/no-such-saga/1/graph' }),
  },
  {
    method: 'GET',
    template: '/stats',
    access: 'viewer',
    ok: () => ({ path: '/stats?windowMinutes=5', status: 200 }),
    invalid: () => ({ path: '/stats?windowMinutes=0' }),
  },
  {
    method: 'GET',
    template: '/stats/timeline',
    access: 'viewer',
    ok: () => ({ path: '/stats/timeline?windowMinutes=5&bucketSeconds=60', status: 200 }),
    invalid: () => ({ path: '/stats/timeline?windowMinutes=1441&bucketSeconds=60' }),
  },
  {
    method: 'GET',
    template: '/dead-letters',
    access: 'viewer',
    ok: () => ({ path: `/dead-letters?reasonCode=MESSAGE_UNDECODABLE`, status: 200 }),
    invalid: () => ({ path: '/dead-letters?replayed=maybe' }),
  },
  {
    method: 'GET',
    template: '/dead-letters/{id}',
    access: 'viewer',
    ok: () => ({ path: `/dead-letters/${deadLetterId}`, status: 200 }),
    invalid: () => ({ path: '/dead-letters/not%20an%20id' }),
    unknown: () => ({ path: '/dead-letters/no-such-dead-letter' }),
  },
  {
    method: 'POST',
    template: '/dead-letters/{id}/replay',
    access: 'operator',
    write: 'replay',
    ok: () => ({ path: `/dead-letters/${deadLetterId}/replay`, body: { reason }, status: 200 }),
    invalid: () => ({ path: `/dead-letters/${deadLetterId}/replay`, body: {} }),
    unknown: () => ({ path: '/dead-letters/no-such-dead-letter/replay', body: { reason } }),
    refused: () => [
      {
        path: `/dead-letters/${deadLetterId}/replay`,
        body: { reason },
        code: 'DEAD_LETTER_ALREADY_REPLAYED',
      },
    ],
  },
  {
    method: 'GET',
    template: '/event-process/failed',
    access: 'viewer',
    ok: () => ({ path: '/event-process/failed', status: 200 }),
    invalid: () => ({ path: '/event-process/failed?limit=9999' }),
  },
  {
    method: 'POST',
    template: '/event-process/failed/{consumer}/{messageId}/retry',
    access: 'operator',
    write: 'retry',
    ok: () => ({
      path: `/event-process/failed/${config.serviceName}/${failedMessageId}/retry`,
      body: { reason },
      status: 202,
    }),
    invalid: () => ({
      path: `/event-process/failed/${config.serviceName}/${failedMessageId}/retry`,
      body: {},
    }),
    unknown: () => ({
      path: `/event-process/failed/${config.serviceName}/no-such-message/retry`,
      body: { reason },
    }),
  },
  {
    method: 'GET',
    template: '/events/stream',
    access: 'viewer',
    ok: () => ({ path: `/events/stream?sagaId=${sagaId}`, status: 200 }),
    invalid: () => ({ path: '/events/stream?sagaType=Not_A_Type' }),
  },
  {
    method: 'GET',
    template: '/openapi.json',
    access: 'public',
    ok: () => ({ path: '/openapi.json', status: 200 }),
  },
  {
    method: 'GET',
    template: '/health',
    access: 'public',
    ok: () => ({ path: '/health', status: 200 }),
  },
  {
    method: 'GET',
    template: '/ready',
    access: 'public',
    ok: () => ({ path: '/ready', status: 200 }),
  },
  {
    method: 'GET',
    template: '/metrics',
    access: 'public',
    ok: () => ({ path: '/metrics', status: 200 }),
  },
  {
    method: 'GET',
    template: '/whoami',
    access: 'viewer',
    ok: () => ({ path: '/whoami', status: 200 }),
  },
  {
    method: 'GET',
    template: '/ui',
    access: 'public',
    // fetch follows the redirect to /ui/, the page.
    ok: () => ({ path: '/ui', status: 200 }),
  },
  {
    method: 'GET',
    template: '/ui/*',
    access: 'public',
    ok: () => ({ path: `/ui/sagas/${sagaId}`, status: 200 }),
    unknown: () => ({ path: '/ui/assets/no-such-bundle.js' }),
  },
];

/** The token a case acts with: the viewer for reads, its write route's operator for writes. */
function actorOf(route: RouteCase): string {
  return route.write === undefined ? viewer : operatorOf[route.write];
}

beforeAll(async () => {
  const admin = createDataSource({ database: 'mysql', poolSize: 1 });
  await admin.initialize();
  await admin.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  await admin.destroy();
  orchestrator = createOrchestrator({
    config,
    definitions: [waitingSaga],
    logger: createLogger({ service: 'http-api-it', level: 'silent' }),
    registry: createMetricsRegistry({ defaultMetrics: false }),
  });
  await orchestrator.start();
  db = createDataSource({ database, poolSize: 2 });
  await db.initialize();

  // A RUNNING saga.
  sagaId = await startSaga({ n: 0 });
  // A dead letter: something that is not a message, on the replies topic.
  const kafka = createKafka({
    brokers: config.kafka.brokers,
    clientId: `it-api-${suffix}`,
    logLevel: logLevel.NOTHING,
  });
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({
    topic: topics.replies,
    messages: [{ key: 'x', value: `not json ${suffix}` }],
  });
  await producer.disconnect();
  deadLetterId = await eventually(async () => {
    const rows = await db.query<{ id: string }[]>('SELECT id FROM dead_letter WHERE value = ?', [
      `not json ${suffix}`,
    ]);
    return rows[0]?.id ?? null;
  }, 'the dead letter');
  // A FAILED EventProcess record, as a reply whose processing failed for good leaves it.
  await db.query(
    `INSERT INTO event_process (consumer, message_id, saga_id, message_type, payload, step,
       direction, status, attempts, last_error, created_at, updated_at)
     VALUES (?, ?, ?, 'reply', '{}', NULL, NULL, 'FAILED', 1, 'lost', NOW(3), NOW(3))`,
    [config.serviceName, failedMessageId, sagaId],
  );
}, 90_000);

afterAll(async () => {
  await orchestrator.stop();
  if (db.isInitialized) await db.destroy();
  const admin = createDataSource({ database: 'mysql', poolSize: 1 });
  await admin.initialize();
  await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
  await admin.destroy();
  const kafkaAdmin = createKafka({
    brokers: config.kafka.brokers,
    clientId: `it-api-cleanup-${suffix}`,
    logLevel: logLevel.NOTHING,
  }).admin();
  await kafkaAdmin.connect();
  const ours = (await kafkaAdmin.listTopics()).filter((t) => t.startsWith(topicPrefix));
  if (ours.length > 0) await kafkaAdmin.deleteTopics({ topics: ours });
  await kafkaAdmin.deleteGroups([`${topicPrefix}${config.serviceName}`]).catch(() => undefined);
  await kafkaAdmin.disconnect();
  const redis = createRedis({ url: config.redis.url });
  for (const prefix of [keyPrefix, `bull:${safeName(keyPrefix)}`]) {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  }
  await redis.quit();
}, 60_000);

async function startSaga(input: { n: number }): Promise<string> {
  const base = orchestrator.address() ?? '';
  const response = await fetch(`${base}/sagas`, {
    method: 'POST',
    headers: { authorization: `Bearer ${setupOperator}`, 'content-type': 'application/json' },
    body: JSON.stringify({ sagaType: 'access-check', input }),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { sagaId: string }).sagaId;
}

async function eventually<T>(read: () => Promise<T | null>, what: string): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await read();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('every route of the HTTP API over a real orchestrator', () => {
  it('names every operation of the OpenAPI document, and only those', async () => {
    const base = orchestrator.address() ?? '';
    const document = (await (await fetch(`${base}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const documented = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(ROUTES.map((r) => `${r.method} ${r.template}`).sort()).toEqual(documented.sort());
  });

  const protectedRoutes = ROUTES.filter((route) => route.access !== 'public');

  it.each(protectedRoutes.map((r) => [`${r.method} ${r.template}`, r] as const))(
    '%s: 401 without a token and with a wrong one',
    async (_name, route) => {
      const { path, body } = route.ok();
      for (const secret of [null, 'not-a-token', newApiToken()]) {
        const answer = await call(route.method, path, secret, body);
        expect([answer.status, answer.code]).toEqual([401, 'UNAUTHENTICATED']);
        expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer/);
      }
    },
  );

  const writes = ROUTES.filter((route) => route.access === 'operator');

  it.each(writes.map((r) => [`${r.method} ${r.template}`, r] as const))(
    '%s: 403 for a viewer',
    async (_name, route) => {
      const { path, body } = route.ok();
      const answer = await call(route.method, path, viewer, body);
      expect([answer.status, answer.code]).toEqual([403, 'ACCESS_DENIED']);
    },
  );

  // In table order: the saga is aborted after the reads of it, the dead letter replayed once.
  it.each(ROUTES.map((r) => [`${r.method} ${r.template}`, r] as const))(
    '%s: 2xx for its role, 400 on invalid input, 404 on an unknown id, 409 when refused',
    async (_name, route) => {
      const secret = route.access === 'public' ? null : actorOf(route);
      if (route.invalid !== undefined) {
        const { path, body } = route.invalid();
        const answer = await call(route.method, path, secret, body);
        expect(answer.status).toBe(400);
      }
      if (route.unknown !== undefined) {
        const { path, body } = route.unknown();
        const answer = await call(route.method, path, secret, body);
        expect(answer.status).toBe(404);
      }
      const ok = route.ok();
      expect((await call(route.method, ok.path, secret, ok.body)).status).toBe(ok.status);
      for (const refused of route.refused?.() ?? []) {
        const answer = await call(route.method, refused.path, secret, refused.body);
        expect([answer.status, answer.code]).toEqual([409, refused.code]);
      }
    },
  );

  it.each(writes.map((r) => [`${r.method} ${r.template}`, r] as const))(
    '%s: 429 with Retry-After past the write limit of a token',
    async (_name, route) => {
      if (route.write === undefined) throw new Error('a write route names its tokens');
      const secret = burstOf[route.write];
      const { path, body } = route.invalid?.() ?? route.ok();
      for (let n = 0; n < WRITE_LIMIT; n += 1) {
        expect((await call(route.method, path, secret, body)).status).not.toBe(429);
      }
      const limited = await call(route.method, path, secret, body);
      expect([limited.status, limited.code]).toEqual([429, 'RATE_LIMITED']);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      // Reads are never limited, and other tokens keep their own budget.
      expect((await call('GET', '/sagas', secret)).status).toBe(200);
    },
  );
});
