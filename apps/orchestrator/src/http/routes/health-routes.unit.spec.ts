import { type ReadinessReport } from '../run-health-checks';
import { createHttpApiFixture, type HttpApiFixture } from '../__fixtures__/http-api-fixture';
import { type HealthCheck } from '../ports/health-check';

const up = (name: string): HealthCheck => ({ name, check: () => Promise.resolve() });

describe('health routes', () => {
  let fixture: HttpApiFixture | undefined;

  afterEach(async () => {
    await fixture?.app.close();
  });

  it('GET /health answers 200 while the process serves', async () => {
    fixture = createHttpApiFixture({
      healthChecks: [{ name: 'mysql', check: () => Promise.reject(new Error('down')) }],
    });
    const response = await fixture.inject({ method: 'GET', url: '/health' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('GET /ready answers 200 when every check passes', async () => {
    fixture = createHttpApiFixture({ healthChecks: [up('kafka'), up('mysql'), up('redis')] });
    const response = await fixture.inject({ method: 'GET', url: '/ready' });
    expect(response.statusCode).toBe(200);
    const report = response.json<ReadinessReport>();
    expect(report.status).toBe('ready');
    expect(report.checks.map((c) => [c.name, c.status])).toEqual([
      ['kafka', 'up'],
      ['mysql', 'up'],
      ['redis', 'up'],
    ]);
  });

  it('GET /ready answers 503 naming the check that failed, the one that hung, and why', async () => {
    let hungSignal: AbortSignal | null = null;
    fixture = createHttpApiFixture({
      healthChecks: [
        up('kafka'),
        { name: 'mysql', check: () => Promise.reject(new Error('connect ECONNREFUSED')) },
        {
          name: 'redis',
          check: (signal) => {
            hungSignal = signal;
            return new Promise<void>(() => undefined);
          },
        },
      ],
      options: { readyCheckTimeoutMs: 20 },
    });
    const response = await fixture.inject({ method: 'GET', url: '/ready' });
    expect(response.statusCode).toBe(503);
    const report = response.json<ReadinessReport>();
    expect(report.status).toBe('not-ready');
    expect(report.checks).toEqual([
      expect.objectContaining({ name: 'kafka', status: 'up' }),
      expect.objectContaining({ name: 'mysql', status: 'down', error: 'connect ECONNREFUSED' }),
      expect.objectContaining({ name: 'redis', status: 'down', error: 'timed out after 20 ms' }),
    ]);
    expect((hungSignal as AbortSignal | null)?.aborted).toBe(true);
    expect(fixture.logger.lines).toContainEqual(
      expect.objectContaining({ level: 'warn', message: 'not ready' }),
    );
  });

  it('GET /ready with no checks is ready', async () => {
    fixture = createHttpApiFixture();
    const response = await fixture.inject({ method: 'GET', url: '/ready' });
    expect(response.statusCode).toBe(200);
    expect(response.json<ReadinessReport>()).toEqual({ status: 'ready', checks: [] });
  });
});
