import { createHttpApiFixture, type HttpApiFixture } from './__fixtures__/http-api-fixture';
import { type HttpRequestMetrics, UNMATCHED_ROUTE } from './http-metrics';

/** Keeps every request the API counted. */
class RecordingRequestMetrics implements HttpRequestMetrics {
  readonly requests: { method: string; route: string; statusCode: number }[] = [];
  readonly durationsMs: number[] = [];

  recordHttpRequest(method: string, route: string, statusCode: number, durationMs: number): void {
    this.requests.push({ method, route, statusCode });
    this.durationsMs.push(durationMs);
  }
}

describe('HTTP request metrics', () => {
  let fixture: HttpApiFixture;
  let recorded: RecordingRequestMetrics;

  beforeEach(() => {
    recorded = new RecordingRequestMetrics();
    fixture = createHttpApiFixture({ deps: { requestMetrics: recorded } });
  });

  afterEach(async () => {
    await fixture.app.close();
  });

  it('counts each request by its route pattern, never its URL, with its status code', async () => {
    const start = await fixture.inject({
      method: 'POST',
      url: '/sagas',
      payload: { sagaType: 'transfer', input: { from: 'alice', to: 'bob', amount: 30 } },
    });
    const { sagaId } = start.json<{ sagaId: string }>();
    await fixture.inject({ method: 'GET', url: `/sagas/${sagaId}` });
    await fixture.inject({ method: 'GET', url: '/sagas/no-such-saga' });
    await fixture.inject({ method: 'GET', url: '/sagas?limit=5' });

    expect(recorded.requests).toEqual([
      { method: 'POST', route: '/sagas', statusCode: 201 },
      { method: 'GET', route: '/sagas/:sagaId', statusCode: 200 },
      { method: 'GET', route: '/sagas/:sagaId', statusCode: 404 },
      { method: 'GET', route: '/sagas', statusCode: 200 },
    ]);
    expect(recorded.durationsMs.every((ms) => Number.isFinite(ms) && ms >= 0)).toBe(true);
  });

  it('counts refusals on their route, and requests no route matched as unmatched', async () => {
    await fixture.inject({ method: 'GET', url: '/sagas' }, null);
    await fixture.inject({ method: 'GET', url: `/no-such-route/${'x'.repeat(40)}` });
    await fixture.inject({ method: 'DELETE', url: '/sagas' });

    expect(recorded.requests).toEqual([
      { method: 'GET', route: '/sagas', statusCode: 401 },
      { method: 'GET', route: UNMATCHED_ROUTE, statusCode: 404 },
      { method: 'DELETE', route: UNMATCHED_ROUTE, statusCode: 404 },
    ]);
  });

  it('refuses a requestMetrics port without recordHttpRequest', () => {
    expect(() =>
      createHttpApiFixture({
        deps: { requestMetrics: {} as unknown as HttpRequestMetrics },
      }),
    ).toThrow('requestMetrics');
  });
});
