import { type InjectOptions } from 'fastify';

import { type ApiRole, API_ROLES, roleAllows } from './api-tokens';
import { type RouteAccess } from './authentication';
import { type HttpApiOptions } from './http-api-options';
import {
  createHttpApiFixture,
  type ErrorJson,
  FIXTURE_ROLES,
  type FixtureTokenName,
  fixtureToken,
  type HttpApiFixture,
} from './__fixtures__/http-api-fixture';
import { sampleDeadLetter } from './__fixtures__/in-memory-dead-letters';

/**
 * Every route and who may use it. The list is what fastify registers (onRoute), so a new
 * route fails this spec until its access is decided here and it has a sample request.
 */
const ACCESS: Readonly<Record<string, RouteAccess>> = {
  'POST /sagas': 'operator',
  'GET /sagas': 'viewer',
  'GET /sagas/:sagaId': 'viewer',
  'GET /sagas/:sagaId/events': 'viewer',
  'POST /sagas/:sagaId/actions/:action': 'operator',
  'GET /events/stream': 'viewer',
  'GET /definitions': 'viewer',
  'GET /definitions/:name/:version/graph': 'viewer',
  'GET /stats': 'viewer',
  'GET /stats/timeline': 'viewer',
  'GET /dead-letters': 'viewer',
  'GET /dead-letters/:id': 'viewer',
  'POST /dead-letters/:id/replay': 'operator',
  'GET /event-process/failed': 'viewer',
  'POST /event-process/failed/:consumer/:messageId/retry': 'operator',
  'GET /health': 'public',
  'GET /ready': 'public',
  'GET /metrics': 'public',
  'GET /openapi.json': 'public',
  'GET /whoami': 'viewer',
  'GET /ui': 'public',
  'GET /ui/*': 'public',
};

/** One request per route, and the status it answers when its caller may use it. */
const SAMPLES: Readonly<Record<string, { request: InjectOptions; status: number }>> = {
  'POST /sagas': {
    request: {
      method: 'POST',
      url: '/sagas',
      payload: { sagaType: 'transfer', input: { from: 'alice', to: 'bob', amount: 5 } },
    },
    status: 201,
  },
  'GET /sagas': { request: { method: 'GET', url: '/sagas' }, status: 200 },
  'GET /sagas/:sagaId': { request: { method: 'GET', url: '/sagas/saga-1' }, status: 200 },
  'GET /sagas/:sagaId/events': {
    request: { method: 'GET', url: '/sagas/saga-1/events' },
    status: 200,
  },
  'POST /sagas/:sagaId/actions/:action': {
    request: {
      method: 'POST',
      url: '/sagas/saga-1/actions/abort',
      payload: { reason: 'customer cancelled' },
    },
    status: 200,
  },
  // A valid request streams until the client leaves, which inject cannot: this one is answered
  // after authentication, before streaming (event-stream-routes.unit.spec.ts streams).
  'GET /events/stream': {
    request: { method: 'GET', url: '/events/stream?lastEventId=none' },
    status: 400,
  },
  'GET /definitions': { request: { method: 'GET', url: '/definitions' }, status: 200 },
  'GET /definitions/:name/:version/graph': {
    request: { method: 'GET', url: '/definitions/transfer/1/graph' },
    status: 200,
  },
  'GET /stats': { request: { method: 'GET', url: '/stats' }, status: 200 },
  'GET /stats/timeline': { request: { method: 'GET', url: '/stats/timeline' }, status: 200 },
  'GET /dead-letters': { request: { method: 'GET', url: '/dead-letters' }, status: 200 },
  'GET /dead-letters/:id': { request: { method: 'GET', url: '/dead-letters/1' }, status: 200 },
  'POST /dead-letters/:id/replay': {
    request: {
      method: 'POST',
      url: '/dead-letters/1/replay',
      payload: { reason: 'handler deployed' },
    },
    status: 200,
  },
  'GET /event-process/failed': {
    request: { method: 'GET', url: '/event-process/failed' },
    status: 200,
  },
  'POST /event-process/failed/:consumer/:messageId/retry': {
    request: {
      method: 'POST',
      url: '/event-process/failed/orchestrator/r-1/retry',
      payload: { reason: 'saga version deployed' },
    },
    status: 202,
  },
  'GET /health': { request: { method: 'GET', url: '/health' }, status: 200 },
  'GET /ready': { request: { method: 'GET', url: '/ready' }, status: 200 },
  'GET /metrics': { request: { method: 'GET', url: '/metrics' }, status: 200 },
  'GET /openapi.json': { request: { method: 'GET', url: '/openapi.json' }, status: 200 },
  'GET /whoami': { request: { method: 'GET', url: '/whoami' }, status: 200 },
  'GET /ui': { request: { method: 'GET', url: '/ui' }, status: 302 },
  // An asset that no build has: 404 with or without a build (dashboard-routes.unit.spec.ts serves one).
  'GET /ui/*': { request: { method: 'GET', url: '/ui/assets/no-such-bundle.js' }, status: 404 },
};

const ROUTES = Object.keys(ACCESS);
const PROTECTED = ROUTES.filter((route) => ACCESS[route] !== 'public');
const WRITES = ROUTES.filter((route) => !route.startsWith('GET '));

/** The fixture token of each role. */
const TOKEN_OF: Readonly<Record<ApiRole, FixtureTokenName>> = {
  viewer: 'viewer',
  operator: 'ops-ann',
  admin: 'admin',
};

function sampleOf(route: string): { request: InjectOptions; status: number } {
  const sample = SAMPLES[route];
  if (sample === undefined) throw new Error(`no sample request for ${route}`);
  return sample;
}

/** The API with a running saga, a dead letter and a FAILED EventProcess record. */
async function seeded(options: HttpApiOptions = {}): Promise<HttpApiFixture> {
  const fixture = createHttpApiFixture({ options });
  await fixture.kit.start('transfer', { from: 'alice', to: 'bob', amount: 30 });
  await fixture.deadLetters.record(sampleDeadLetter({ offset: '1' }));
  await fixture.eventProcess.receive([
    {
      consumer: 'orchestrator',
      messageId: 'r-1',
      sagaId: 'saga-1',
      messageType: 'reply',
      payload: '{}',
    },
  ]);
  await fixture.eventProcess.claim('orchestrator', 'r-1', new Date(0));
  await fixture.eventProcess.fail('orchestrator', 'r-1', 'boom');
  return fixture;
}

describe('authentication and roles', () => {
  let fixture: HttpApiFixture;

  beforeEach(async () => {
    fixture = await seeded();
  });

  afterEach(async () => {
    await fixture.app.close();
  });

  it('gives every route fastify registers an access decision, as this table says', async () => {
    await fixture.app.close();
    fixture = createHttpApiFixture();
    const registered: Record<string, RouteAccess | undefined> = {};
    fixture.app.addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) {
        // HEAD routes are fastify's copies of the GET routes, with their access.
        if (method !== 'HEAD') registered[`${method} ${route.url}`] = route.config?.access;
      }
    });
    await fixture.app.ready();

    expect(registered).toEqual(ACCESS);
    expect(Object.keys(SAMPLES).sort()).toEqual([...ROUTES].sort());
  });

  it('refuses to add a route without an access decision', async () => {
    await fixture.app.close();
    fixture = createHttpApiFixture();

    expect(() => fixture.app.get('/undecided', () => 'x')).toThrow(
      "route GET /undecided: config.access=undefined (expected 'public', 'viewer', 'operator' or 'admin')",
    );
  });

  it.each(PROTECTED)(
    '%s answers 401 without a token, with a wrong one, or a malformed header',
    async (route) => {
      const { request } = sampleOf(route);
      const cases: [Record<string, string>, string][] = [
        [{}, 'Bearer realm="sagaflow"'],
        [{ authorization: 'Bearer sf_wrong' }, 'Bearer realm="sagaflow", error="invalid_token"'],
        [
          { authorization: `Bearer ${fixtureToken('admin')}x` },
          'Bearer realm="sagaflow", error="invalid_token"',
        ],
        [
          { authorization: `Basic ${fixtureToken('admin')}` },
          'Bearer realm="sagaflow", error="invalid_token"',
        ],
        [{ authorization: 'Bearer' }, 'Bearer realm="sagaflow", error="invalid_token"'],
      ];
      for (const [headers, challenge] of cases) {
        const response = await fixture.inject({ ...request, headers }, null);

        expect(response.statusCode).toBe(401);
        expect(response.headers['www-authenticate']).toBe(challenge);
        expect(response.json<ErrorJson>().error).toEqual({
          code: 'UNAUTHENTICATED',
          message: expect.any(String) as unknown,
        });
      }
      expect(fixture.kit.eventStore.sagaIds()).toEqual(['saga-1']);
      expect(fixture.replay.published).toEqual([]);
      expect(fixture.failedEventProcess.requeued).toEqual([]);
    },
  );

  it.each(WRITES)('%s answers 403 to a viewer and changes nothing', async (route) => {
    const response = await fixture.inject(sampleOf(route).request, 'viewer');

    expect(response.statusCode).toBe(403);
    expect(response.json<ErrorJson>().error).toEqual({
      code: 'ACCESS_DENIED',
      message: `token 'viewer' has role viewer; ${route} needs operator`,
      details: { role: 'viewer', required: 'operator' },
    });
    expect(fixture.kit.eventStore.sagaIds()).toEqual(['saga-1']);
    expect(fixture.kit.state('saga-1').status).toBe('RUNNING');
    expect(fixture.replay.published).toEqual([]);
    expect(fixture.failedEventProcess.requeued).toEqual([]);
  });

  it.each(ROUTES)(
    '%s answers as usual to every role allowed, and public routes to anyone',
    async (route) => {
      const { request, status } = sampleOf(route);
      const access = ACCESS[route] ?? 'admin';
      const callers: (FixtureTokenName | null)[] =
        access === 'public'
          ? [null, 'viewer']
          : API_ROLES.filter((role) => roleAllows(role, access)).map((role) => TOKEN_OF[role]);
      for (const caller of callers) {
        await fixture.app.close();
        fixture = await seeded();

        const response = await fixture.inject(request, caller);

        expect([caller, response.statusCode]).toEqual([caller, status]);
      }
    },
  );

  it('answers HEAD like GET: 401 without a token', async () => {
    const response = await fixture.inject({ method: 'HEAD', url: '/sagas' }, null);
    expect(response.statusCode).toBe(401);
    expect((await fixture.inject({ method: 'HEAD', url: '/sagas' }, 'viewer')).statusCode).toBe(
      200,
    );
  });

  it('answers 401 for an unknown path without a token, and 404 with one', async () => {
    expect((await fixture.inject({ method: 'GET', url: '/admin' }, null)).statusCode).toBe(401);
    const found = await fixture.inject({ method: 'GET', url: '/admin' }, 'viewer');
    expect(found.statusCode).toBe(404);
    expect(found.json<ErrorJson>().error.code).toBe('ROUTE_NOT_FOUND');
  });

  it('records the token name as the actor, and logs it on the request line, never the token', async () => {
    await fixture.inject(sampleOf('POST /sagas/:sagaId/actions/:action').request, 'ops-bob');
    await fixture.inject({ method: 'GET', url: '/sagas' }, 'viewer');

    expect(fixture.kit.history('saga-1')).toContainEqual(
      expect.objectContaining({ type: 'OperatorActionRecorded', actor: 'ops-bob' }),
    );
    const requestLines = fixture.logger.lines.filter((l) => l.message === 'request completed');
    expect(requestLines.map((line) => [line.fields.route, line.fields.actor])).toEqual([
      ['/sagas/:sagaId/actions/:action', 'ops-bob'],
      ['/sagas', 'viewer'],
    ]);
    const logged = JSON.stringify(fixture.logger.lines);
    for (const name of Object.keys(FIXTURE_ROLES)) {
      expect(logged).not.toContain(fixtureToken(name as FixtureTokenName));
    }
  });

  it('logs the token names and roles at start, and warns when no token is configured', async () => {
    expect(fixture.logger.lines).toContainEqual({
      level: 'info',
      message: 'API authentication on',
      fields: {
        actors: Object.entries(FIXTURE_ROLES).map(([name, role]) => ({ name, role })),
        metricsPublic: true,
      },
    });

    const bare = createHttpApiFixture({ options: { apiTokens: [] } });
    expect(bare.logger.lines).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        message:
          'no API token is configured: every route but /health, /ready and /metrics answers 401',
      }),
    );
    expect((await bare.inject({ method: 'GET', url: '/stats' }, 'admin')).statusCode).toBe(401);
    expect((await bare.inject({ method: 'GET', url: '/health' }, null)).statusCode).toBe(200);
    await bare.app.close();
  });

  it('with authentication off, serves every route without a token as "anonymous", and warns', async () => {
    await fixture.app.close();
    fixture = await seeded({ authentication: 'off' });

    for (const route of ROUTES) {
      const { request, status } = sampleOf(route);
      expect([route, (await fixture.inject(request, null)).statusCode]).toEqual([route, status]);
    }
    expect(fixture.kit.history('saga-1')).toContainEqual(
      expect.objectContaining({ type: 'OperatorActionRecorded', actor: 'anonymous' }),
    );
    expect(fixture.logger.lines).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        message: expect.stringContaining('API authentication is off') as unknown,
      }),
    );
  });

  it('makes /metrics need a viewer token when it is not public', async () => {
    await fixture.app.close();
    fixture = createHttpApiFixture({ options: { metricsPublic: false } });

    expect((await fixture.inject({ method: 'GET', url: '/metrics' }, null)).statusCode).toBe(401);
    expect((await fixture.inject({ method: 'GET', url: '/metrics' }, 'viewer')).statusCode).toBe(
      200,
    );
    expect((await fixture.inject({ method: 'GET', url: '/health' }, null)).statusCode).toBe(200);
  });

  it('rejects bad tokens in the options, naming the entry and never the hash', () => {
    const hash = 'ab'.repeat(32);
    expect(() =>
      createHttpApiFixture({
        options: {
          apiTokens: [
            { name: 'ops', role: 'operator', sha256: hash },
            { name: 'ops', role: 'root' as ApiRole, sha256: hash },
          ],
        },
      }),
    ).toThrow(
      "createHttpApi: invalid options: apiTokens=[REDACTED] (expected a list of { name, role, sha256 } (entry 2 ('ops'): role \"root\" is not viewer, operator or admin; entry 2 ('ops'): the name is taken by an earlier entry))",
    );
    expect(() => createHttpApiFixture({ options: { writeRateLimitPerMinute: -1 } })).toThrow(
      'writeRateLimitPerMinute=-1 (expected an integer from 0 to 1000000)',
    );
  });
});

describe('write rate limit', () => {
  const LIMIT = 2;
  let fixture: HttpApiFixture;

  beforeEach(async () => {
    fixture = await seeded({ writeRateLimitPerMinute: LIMIT });
  });

  afterEach(async () => {
    await fixture.app.close();
  });

  it.each(WRITES)('%s answers 429 with Retry-After past the limit, per token', async (route) => {
    const { request } = sampleOf(route);
    for (let i = 0; i < LIMIT; i += 1) {
      const response = await fixture.inject(request, 'ops-ann');
      expect(response.statusCode).not.toBe(429);
      expect(response.headers['x-ratelimit-limit']).toBe(String(LIMIT));
    }

    const refused = await fixture.inject(request, 'ops-ann');

    expect(refused.statusCode).toBe(429);
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.json<ErrorJson>().error).toEqual({
      code: 'RATE_LIMITED',
      message: `token 'ops-ann' sent more than ${LIMIT} writes this minute; try again in ${retryAfter} s`,
      details: { limit: LIMIT, retryAfterSeconds: retryAfter },
    });
    // Counted per token: another one still writes.
    expect((await fixture.inject(request, 'ops-bob')).statusCode).not.toBe(429);
  });

  it('counts every write route of a token together, and never limits reads', async () => {
    await fixture.inject(sampleOf('POST /sagas').request, 'ops-ann');
    await fixture.inject(sampleOf('POST /dead-letters/:id/replay').request, 'ops-ann');
    const third = await fixture.inject(
      sampleOf('POST /event-process/failed/:consumer/:messageId/retry').request,
      'ops-ann',
    );
    expect(third.statusCode).toBe(429);
    expect(fixture.failedEventProcess.requeued).toEqual([]);

    for (let i = 0; i < 3 * LIMIT; i += 1) {
      expect((await fixture.inject({ method: 'GET', url: '/sagas' }, 'ops-ann')).statusCode).toBe(
        200,
      );
    }
  });

  it('is off at 0', async () => {
    await fixture.app.close();
    fixture = await seeded({ writeRateLimitPerMinute: 0 });
    for (let i = 0; i < 5; i += 1) {
      const response = await fixture.inject(sampleOf('POST /sagas').request, 'ops-ann');
      expect(response.statusCode).toBe(201);
      expect(response.headers['x-ratelimit-limit']).toBeUndefined();
    }
  });
});
