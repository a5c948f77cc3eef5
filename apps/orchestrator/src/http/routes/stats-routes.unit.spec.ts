import { type StatsView, type TimelineView } from './stats-routes';
import {
  createHttpApiFixture,
  type ErrorJson,
  type HttpApiFixture,
} from '../__fixtures__/http-api-fixture';

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
    await fixture.eventProcess.receive([
      {
        consumer: 'orchestrator',
        messageId: 'r-9',
        sagaId: 'saga-1',
        messageType: 'reply',
        payload: '{}',
      },
    ]);
    await fixture.eventProcess.fail('orchestrator', 'r-9', 'boom');
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
        failedEventProcess: {
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

describe('GET /stats/timeline', () => {
  let fixture: HttpApiFixture;

  beforeEach(() => {
    fixture = createHttpApiFixture();
  });

  afterEach(async () => {
    await fixture.app.close();
  });

  const timeline = async (query = '') => {
    const response = await fixture.inject({ method: 'GET', url: `/stats/timeline${query}` });
    expect(response.statusCode).toBe(200);
    return response.json<TimelineView>();
  };
  const quiet = (at: string) => ({
    at,
    started: 0,
    completed: 0,
    compensated: 0,
    latencyMs: null,
  });

  it('answers every bucket of the window oldest first, zero-filled, a start on an edge in the later bucket', async () => {
    const { kit } = fixture;
    // From 00:00:00, saga-1 takes 2 s to complete and saga-2 4 s to compensate.
    await kit.start('transfer', input);
    await kit.start('transfer', { ...input, amount: 500 });
    kit.faults('ledger', 'Debit').delayReplies(2_000);
    kit.faults('ledger', 'Refund').delayReplies(2_000);
    await kit.advanceTime(4_000);
    // saga-3 starts at 00:01:00 sharp: the first instant of the last bucket.
    kit.clock.advance(56_000);
    await kit.start('transfer', input);
    kit.clock.advance(30_000);

    const view = await timeline('?windowMinutes=2&bucketSeconds=30');

    expect(view.window).toEqual({
      minutes: 2,
      from: '2029-12-31T23:59:30.000Z',
      to: '2030-01-01T00:01:30.000Z',
    });
    expect(view.bucketSeconds).toBe(30);
    expect(view.buckets).toEqual([
      quiet('2029-12-31T23:59:30.000Z'),
      {
        at: '2030-01-01T00:00:00.000Z',
        started: 2,
        completed: 1,
        compensated: 1,
        latencyMs: { p50: 2_000, p95: 4_000, p99: 4_000 },
      },
      quiet('2030-01-01T00:00:30.000Z'),
      { ...quiet('2030-01-01T00:01:00.000Z'), started: 1 },
    ]);
  });

  it('answers 60 one-minute buckets by default, and up to 1440', async () => {
    const byDefault = await timeline();
    expect(byDefault.window.minutes).toBe(60);
    expect(byDefault.bucketSeconds).toBe(60);
    expect(byDefault.buckets).toHaveLength(60);
    expect(byDefault.buckets[0]?.at).toBe(byDefault.window.from);

    expect((await timeline('?windowMinutes=1440&bucketSeconds=60')).buckets).toHaveLength(1440);
    // A bucket wider than the window: one, reaching past `to`.
    expect((await timeline('?windowMinutes=1&bucketSeconds=86400')).buckets).toHaveLength(1);
  });

  it('answers from the last computation of a window and bucket width for statsCacheMs', async () => {
    await fixture.kit.start('transfer', input);
    // A saga started now is not in the window yet: it ends at now, exclusive.
    fixture.kit.clock.advance(1_000);
    const startedIn = (view: TimelineView) =>
      view.buckets.reduce((sum, bucket) => sum + bucket.started, 0);
    const first = await timeline('?windowMinutes=5');
    expect(startedIn(first)).toBe(1);
    await fixture.kit.start('transfer', input);
    fixture.kit.clock.advance(4_999);
    expect(await timeline('?windowMinutes=5')).toEqual(first);
    // Another bucket width, and /stats for the same window, are computed on their own.
    const wider = await timeline('?windowMinutes=5&bucketSeconds=300');
    expect(wider.buckets[0]?.started).toBe(2);
    const stats = await fixture.inject({ method: 'GET', url: '/stats?windowMinutes=5' });
    expect(stats.json<StatsView>().started).toBe(2);
    fixture.kit.clock.advance(1);
    const fresh = await timeline('?windowMinutes=5');
    expect(fresh.window.to).not.toBe(first.window.to);
    expect(startedIn(fresh)).toBe(2);
  });

  it('answers 400 REQUEST_INVALID for a bad window or bucket width, or more than 1440 buckets', async () => {
    for (const query of [
      'windowMinutes=0',
      'windowMinutes=10081',
      'bucketSeconds=0',
      'bucketSeconds=86401',
      'bucketSeconds=1.5',
      'bucketSeconds=soon',
      'buckets=10',
    ]) {
      const response = await fixture.inject({ method: 'GET', url: `/stats/timeline?${query}` });
      expect(response.statusCode).toBe(400);
      expect(response.json<ErrorJson>().error.code).toBe('REQUEST_INVALID');
    }

    const tooMany = await fixture.inject({
      method: 'GET',
      url: '/stats/timeline?windowMinutes=1441&bucketSeconds=60',
    });
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json<ErrorJson>().error).toMatchObject({
      code: 'REQUEST_INVALID',
      details: {
        issues: [
          'query.bucketSeconds: 60-second buckets make 1441 buckets of a 1441-minute window, ' +
            'more than 1440: widen the buckets or shorten the window',
        ],
      },
    });
  });
});
