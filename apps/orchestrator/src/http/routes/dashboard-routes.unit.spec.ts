import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  createHttpApiFixture,
  type ErrorJson,
  type HttpApiFixture,
} from '../__fixtures__/http-api-fixture';

describe('GET /ui: the dashboard build', () => {
  let dir: string;
  let fixture: HttpApiFixture;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sagaflow-dashboard-'));
    fixture = createHttpApiFixture({ options: { dashboardDir: dir } });
  });

  afterEach(async () => {
    await fixture.app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function build(): void {
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Sagaflow</title>');
    writeFileSync(join(dir, 'assets', 'index-Ab12Cd.js'), 'console.log(1)');
    writeFileSync(join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    writeFileSync(join(dir, '.env'), 'SECRET=1');
  }

  it('answers 404 DASHBOARD_NOT_BUILT without a build, and serves one built after the start', async () => {
    const missing = await fixture.inject({ method: 'GET', url: '/ui/' }, null);
    expect(missing.statusCode).toBe(404);
    expect(missing.json<ErrorJson>().error).toEqual({
      code: 'DASHBOARD_NOT_BUILT',
      message: expect.stringContaining('npx nx run @sagaflow/dashboard:build') as unknown,
    });
    expect(fixture.logger.lines).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        message: 'the dashboard is not built: /ui answers 404',
      }),
    );

    build();

    expect((await fixture.inject({ method: 'GET', url: '/ui/' }, null)).statusCode).toBe(200);
  });

  it('redirects /ui to /ui/, keeping the query', async () => {
    const response = await fixture.inject({ method: 'GET', url: '/ui?status=RUNNING' }, null);
    expect(response.statusCode).toBe(302);
    expect(response.headers.location).toBe('/ui/?status=RUNNING');
  });

  it('serves the page, revalidated, for every path of the dashboard, without a token', async () => {
    build();
    for (const url of ['/ui/', '/ui/sagas', '/ui/sagas/order.1?x=1', '/ui/no/such/page']) {
      const response = await fixture.inject({ method: 'GET', url }, null);

      expect([url, response.statusCode]).toEqual([url, 200]);
      expect(response.headers['content-type']).toMatch(/^text\/html/);
      expect(response.headers['cache-control']).toBe('no-cache');
      expect(response.headers['content-security-policy']).toContain("connect-src 'self'");
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.body).toBe('<!doctype html><title>Sagaflow</title>');
    }
  });

  it('caches the hashed assets for a year, and answers 404 for an unknown one', async () => {
    build();
    const asset = await fixture.inject({ method: 'GET', url: '/ui/assets/index-Ab12Cd.js' }, null);
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['content-type']).toMatch(/javascript/);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(asset.body).toBe('console.log(1)');

    const unknown = await fixture.inject({ method: 'GET', url: '/ui/assets/index-Zz.js' }, null);
    expect(unknown.statusCode).toBe(404);
  });

  it('serves a file at the top of the build, never a dotfile or one outside it', async () => {
    build();
    const icon = await fixture.inject({ method: 'GET', url: '/ui/favicon.svg' }, null);
    expect(icon.statusCode).toBe(200);
    expect(icon.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(icon.headers['cache-control']).toBe('no-cache');

    for (const url of ['/ui/.env', '/ui/assets/../.env', '/ui/..%2f..%2fpackage.json']) {
      const response = await fixture.inject({ method: 'GET', url }, null);
      expect([url, response.body]).not.toEqual([url, 'SECRET=1']);
      expect(response.body).not.toContain('"name"');
    }
  });
});

describe('GET /whoami', () => {
  it("answers the token's name and role", async () => {
    const fixture = createHttpApiFixture();
    try {
      for (const [name, role] of [
        ['viewer', 'viewer'],
        ['ops-ann', 'operator'],
        ['admin', 'admin'],
      ] as const) {
        const response = await fixture.inject({ method: 'GET', url: '/whoami' }, name);
        expect(response.statusCode).toBe(200);
        expect(response.json()).toEqual({ name, role });
      }
    } finally {
      await fixture.app.close();
    }
  });

  it('answers anonymous admin when authentication is off', async () => {
    const fixture = createHttpApiFixture({ options: { authentication: 'off' } });
    try {
      const response = await fixture.inject({ method: 'GET', url: '/whoami' }, null);
      expect(response.json()).toEqual({ name: 'anonymous', role: 'admin' });
    } finally {
      await fixture.app.close();
    }
  });
});
