import { type StatsView } from './stats-routes';
import { createHttpApiFixture, type HttpApiFixture } from '../__fixtures__/http-api-fixture';

const input = { from: 'alice', to: 'bob', amount: 30 };

describe('GET /stats', () => {
  let fixture: HttpApiFixture;

  beforeEach(() => {
    fixture = createHttpApiFixture();
  });

  afterEach(async () => {
    await fixture.app.close();
  });

  const stats = async (query = '') => {
    const response = await fixture.inject({ method: 'GET', url: `/stats${query}` });
    expect(response.statusCode).toBe(200);
    return response.json<StatsView>();
  };

  it('reports counts, latency of the sagas ended in the window, throughput and backlogs', async () => {
    const { kit } = fixture;
    // saga-1 takes 2 s to complete, saga-2 4 s to compensate, saga-3 stays running.
    await kit.start('transfer', input);
    await kit.start('transfer', { ...input, amount: 500 });
    kit.faults('ledger', 'Debit').delayReplies(2_000);
    kit.faults('ledger', 'Refund').delayReplies(2_000);
    await kit.advanceTime(4_000);
    await kit.start('transfer', input);
    await fixture.inbox.receive([
      {
        consumer: 'orchestrator',
        messageId: 'r-9',
        sagaId: 'saga-1',
        messageType: 'reply',
        payload: '{}',
      },
    ]);
    await fixture.inbox.fail('orchestrator', 'r-9', 'boom');
    kit.clock.advance(1_000);

    const view = await stats('?windowMinutes=5');

    expect(kit.state('saga-1').status).toBe('COMPLETED');
    expect(kit.state('saga-2').status).toBe('COMPENSATED');
    expect(view.window).toEqual({
      minutes: 5,
      from: '2029-12-31T23:55:05.000Z',
      to: '2030-01-01T00:00:05.000Z',
    });
    const byStatus = {
      RUNNING: 1,
      COMPENSATING: 0,
      COMPLETED: 1,
      COMPENSATED: 1,
      COMPENSATION_FAILED: 0,
    };
    expect(view.counts).toEqual({ total: 3, byStatus, byType: { transfer: byStatus } });
    expect(view).toMatchObject({ started: 3, ended: 2, completed: 1, compensated: 1 });
    expect(view.latencyMs).toEqual({
      p50: 2_000,
      p95: 4_000,
      p99: 4_000,
      mean: 3_000,
      max: 4_000,
    });
    expect(view.sagasPerSecond).toBeCloseTo(2 / 300);
    expect(view.eventProcess).toEqual({ failed: 1 });
    // saga-3's first command is still in the outbox.
    expect(view.outbox).toEqual({ pending: 1 });
  });

  it('counts only sagas ended inside the window (60 minutes by default)', async () => {
    await fixture.kit.start('transfer', input);
    await fixture.kit.runUntilIdle();
    fixture.kit.clock.advance(61 * 60_000);

    const view = await stats();
    expect(view.window.minutes).toBe(60);
    expect(view).toMatchObject({ started: 0, ended: 0, latencyMs: null, sagasPerSecond: 0 });
    expect(view.counts.byStatus.COMPLETED).toBe(1);
  });

  it('answers from the last computation of a window for statsCacheMs, then computes anew', async () => {
    await fixture.kit.start('transfer', input);
    const first = await stats();
    await fixture.kit.start('transfer', input);
    fixture.kit.clock.advance(4_999);
    // Within 5 s (the default): the same answer, computed at the same time.
    expect(await stats()).toEqual(first);
    // Another window is computed on its own.
    expect((await stats('?windowMinutes=5')).counts.total).toBe(2);
    fixture.kit.clock.advance(1);
    const fresh = await stats();
    expect(fresh.counts.total).toBe(2);
    expect(fresh.window.to).not.toBe(first.window.to);

    await fixture.app.close();
    fixture = createHttpApiFixture({ options: { statsCacheMs: 0 } });
    await fixture.kit.start('transfer', input);
    expect((await stats()).counts.total).toBe(1);
    await fixture.kit.start('transfer', input);
    expect((await stats()).counts.total).toBe(2);
  });

  it('leaves out what the ports do not provide', async () => {
    await fixture.app.close();
    fixture = createHttpApiFixture({
      deps: {
        failedInbox: {
          listFailed: () => Promise.resolve({ items: [], nextCursor: null }),
          retry: () => Promise.resolve(null),
        },
      },
      withoutOutbox: true,
    });
    const view = await stats();
    expect(view.eventProcess).toBeNull();
    expect(view.outbox).toBeNull();
  });

  it('answers 400 for a window outside 1 to 10080 minutes', async () => {
    for (const windowMinutes of ['0', '10081', '1.5']) {
      const response = await fixture.inject({
        method: 'GET',
        url: `/stats?windowMinutes=${windowMinutes}`,
      });
      expect(response.statusCode).toBe(400);
    }
  });
});
