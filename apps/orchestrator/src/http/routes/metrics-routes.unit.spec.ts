import { createHttpApiFixture, type HttpApiFixture } from '../__fixtures__/http-api-fixture';

describe('GET /metrics', () => {
  let fixture: HttpApiFixture;

  beforeEach(() => {
    fixture = createHttpApiFixture();
  });

  afterEach(async () => {
    await fixture.app.close();
  });

  it('serves the Prometheus text with the saga counters after a start through the API', async () => {
    const start = await fixture.inject({
      method: 'POST',
      url: '/sagas',
      payload: { sagaType: 'transfer', input: { from: 'alice', to: 'bob', amount: 30 } },
    });
    expect(start.statusCode).toBe(201);

    const response = await fixture.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe(fixture.metricsRegistry.registry.contentType);
    expect(response.body).toContain('# TYPE sagaflow_sagas_started_total counter');
    expect(response.body).toContain('sagaflow_sagas_started_total{saga_type="transfer"} 1');
    expect(response.body).toContain(
      'sagaflow_commands_dispatched_total{participant="ledger",command="Debit",direction="forward"} 1',
    );
    expect(response.body).toContain('sagaflow_event_process_failed_messages 0');
  });
});
