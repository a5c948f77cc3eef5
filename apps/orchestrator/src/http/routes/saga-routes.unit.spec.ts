import { DefinitionRegistry, isTerminalStatus, SagaEngine } from '@sagaflow/core';
import { InMemoryCommandEncoder, SequentialIdGenerator } from '@sagaflow/core/testing';

import { AdmissionControl } from '../../runtime/admission-control';
import { type SagaSummary } from '../ports/saga-query-port';
import { type SagaView } from '../saga-view';
import {
  createHttpApiFixture,
  type ErrorJson,
  type HttpApiFixture,
} from '../__fixtures__/http-api-fixture';
import { transferSaga } from '../__fixtures__/transfer-saga';

interface StartJson {
  readonly sagaId: string;
  readonly created: boolean;
  readonly status: string;
}

interface PageJson {
  readonly items: readonly SagaSummary[];
  readonly nextCursor: string | null;
}

interface EventsJson {
  readonly sagaId: string;
  readonly events: readonly {
    readonly seq: number;
    readonly type: string;
    readonly event: { readonly type: string };
    readonly recordedAt: string;
  }[];
}

const input = { from: 'alice', to: 'bob', amount: 30 };

describe('saga routes', () => {
  let fixture: HttpApiFixture;

  beforeEach(() => {
    fixture = createHttpApiFixture();
  });

  afterEach(async () => {
    await fixture.app.close();
  });

  const start = (payload: unknown) =>
    fixture.inject({ method: 'POST', url: '/sagas', payload: payload as object });

  describe('POST /sagas', () => {
    it('starts a saga (201), then returns the same saga for the same business key (200)', async () => {
      const first = await start({ sagaType: 'transfer', input, businessKey: 'order-1' });
      expect(first.statusCode).toBe(201);
      const created = first.json<StartJson>();
      expect(created).toEqual({ sagaId: 'saga-1', created: true, status: 'RUNNING' });
      expect(first.headers.location).toBe('/sagas/saga-1');

      const second = await start({ sagaType: 'transfer', input, businessKey: 'order-1' });
      expect(second.statusCode).toBe(200);
      expect(second.json<StartJson>()).toEqual({
        sagaId: 'saga-1',
        created: false,
        status: 'RUNNING',
      });
      expect(fixture.kit.eventStore.sagaIds()).toEqual(['saga-1']);
    });

    it('starts on the version asked for', async () => {
      const response = await start({ sagaType: 'transfer', input, version: 1 });
      expect(response.statusCode).toBe(201);
      const { sagaId } = response.json<StartJson>();
      expect(fixture.kit.state(sagaId).sagaVersion).toBe(1);
    });

    it('answers 400 INPUT_INVALID with the issues when the input fails the saga schema', async () => {
      const response = await start({ sagaType: 'transfer', input: { from: 'alice', amount: -5 } });
      expect(response.statusCode).toBe(400);
      const { error } = response.json<ErrorJson>();
      expect(error.code).toBe('INPUT_INVALID');
      expect(error.details?.issues).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^to: /),
          expect.stringMatching(/^amount: /),
        ]),
      );
      expect(fixture.kit.eventStore.sagaIds()).toEqual([]);
    });

    it('answers 400 REQUEST_INVALID naming each bad field of the body', async () => {
      const response = await start({ sagaType: 'Transfer!', businessKey: '', extra: true });
      expect(response.statusCode).toBe(400);
      const { error } = response.json<ErrorJson>();
      expect(error.code).toBe('REQUEST_INVALID');
      expect(error.details?.issues).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^body\.sagaType: /),
          expect.stringMatching(/^body\.input: Required/),
          expect.stringMatching(/^body\.businessKey: /),
          expect.stringMatching(/^body: Unrecognized key: "extra"/),
        ]),
      );
    });

    it('answers 400 when there is no body at all', async () => {
      const response = await fixture.inject({ method: 'POST', url: '/sagas' });
      expect(response.statusCode).toBe(400);
      expect(response.json<ErrorJson>().error).toMatchObject({
        code: 'REQUEST_INVALID',
        details: { issues: [expect.stringMatching(/^body: /)] },
      });
    });

    it('answers 404 SAGA_TYPE_UNKNOWN for a type or version nobody registered', async () => {
      const unknownType = await start({ sagaType: 'refund', input });
      expect(unknownType.statusCode).toBe(404);
      expect(unknownType.json<ErrorJson>().error.code).toBe('SAGA_TYPE_UNKNOWN');

      const unknownVersion = await start({ sagaType: 'transfer', input, version: 7 });
      expect(unknownVersion.statusCode).toBe(404);
      expect(unknownVersion.json<ErrorJson>().error.message).toContain('version 7');
    });
  });

  describe('GET /sagas/:sagaId', () => {
    it('shows the state with every step of the definition, the undispatched ones PENDING', async () => {
      await start({ sagaType: 'transfer', input, businessKey: 'order-1' });

      const response = await fixture.inject({ method: 'GET', url: '/sagas/saga-1' });
      expect(response.statusCode).toBe(200);
      const view = response.json<SagaView>();
      expect(view).toMatchObject({
        sagaId: 'saga-1',
        sagaType: 'transfer',
        sagaVersion: 1,
        businessKey: 'order-1',
        status: 'RUNNING',
        data: input,
        activeSteps: ['debit'],
        failure: null,
        version: 2,
        endedAt: null,
      });
      expect(view.steps).toEqual([
        expect.objectContaining({
          name: 'debit',
          kind: 'compensatable',
          participant: 'ledger',
          command: 'Debit',
          status: 'RUNNING',
          attempt: 1,
        }),
        expect.objectContaining({ name: 'credit', kind: 'pivot', status: 'PENDING', attempt: 0 }),
      ]);
    });

    it('shows the outcome once the saga ran', async () => {
      await start({ sagaType: 'transfer', input: { ...input, amount: 500 } });
      await fixture.kit.runUntilIdle();

      const view = (await fixture.inject({ method: 'GET', url: '/sagas/saga-1' })).json<SagaView>();
      expect(view.status).toBe('COMPENSATED');
      expect(view.failure).toMatchObject({ step: 'credit', code: 'CREDIT_LIMIT_EXCEEDED' });
      expect(view.steps.map((step) => [step.name, step.status])).toEqual([
        ['debit', 'COMPENSATED'],
        ['credit', 'FAILED'],
      ]);
      expect(fixture.balances.get('alice')).toBe(0);
    });

    it('still shows a saga whose definition version is no longer registered', async () => {
      await fixture.kit.start('transfer', input);
      await fixture.app.close();
      fixture = createHttpApiFixture({
        deps: { engine: fixture.kit.engine, definitions: new DefinitionRegistry() },
      });

      const response = await fixture.inject({ method: 'GET', url: '/sagas/saga-1' });
      expect(response.statusCode).toBe(200);
      expect(response.json<SagaView>().steps).toEqual([
        expect.objectContaining({ name: 'debit', kind: null, command: null, status: 'RUNNING' }),
      ]);
    });

    it('answers 404 SAGA_NOT_FOUND for an unknown id and 400 for a malformed one', async () => {
      const missing = await fixture.inject({ method: 'GET', url: '/sagas/saga-404' });
      expect(missing.statusCode).toBe(404);
      expect(missing.json<ErrorJson>().error).toEqual({
        code: 'SAGA_NOT_FOUND',
        message: "saga 'saga-404' does not exist",
      });

      const malformed = await fixture.inject({ method: 'GET', url: '/sagas/bad%20id' });
      expect(malformed.statusCode).toBe(400);
      expect(malformed.json<ErrorJson>().error.details?.issues).toEqual([
        expect.stringMatching(/^params\.sagaId: /),
      ]);
    });
  });

  describe('GET /sagas/:sagaId/events', () => {
    it('returns the full history in order', async () => {
      await start({ sagaType: 'transfer', input });
      await fixture.kit.runUntilIdle();

      const response = await fixture.inject({ method: 'GET', url: '/sagas/saga-1/events' });
      expect(response.statusCode).toBe(200);
      const { sagaId, events } = response.json<EventsJson>();
      expect(sagaId).toBe('saga-1');
      expect(events.map((e) => e.seq)).toEqual(events.map((_, index) => index + 1));
      expect(events.map((e) => e.type)).toEqual([
        'SagaStarted',
        'CommandDispatched',
        'StepSucceeded',
        'CommandDispatched',
        'StepSucceeded',
        'SagaCompleted',
      ]);
      expect(events.every((e) => e.event.type === e.type && e.recordedAt !== '')).toBe(true);
    });

    it('answers 404 for a saga without history', async () => {
      const response = await fixture.inject({ method: 'GET', url: '/sagas/nope/events' });
      expect(response.statusCode).toBe(404);
      expect(response.json<ErrorJson>().error.code).toBe('SAGA_NOT_FOUND');
      const later = await fixture.inject({ method: 'GET', url: '/sagas/nope/events?afterSeq=3' });
      expect(later.statusCode).toBe(404);
    });

    it('pages the history with afterSeq and limit, nextAfterSeq pointing at the next page', async () => {
      await start({ sagaType: 'transfer', input });
      await fixture.kit.runUntilIdle();
      const page = async (query: string) => {
        const response = await fixture.inject({
          method: 'GET',
          url: `/sagas/saga-1/events${query}`,
        });
        expect(response.statusCode).toBe(200);
        return response.json<EventsJson & { nextAfterSeq: number | null }>();
      };

      const first = await page('?limit=4');
      expect(first.events.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
      expect(first.nextAfterSeq).toBe(4);
      const second = await page(`?afterSeq=${String(first.nextAfterSeq)}&limit=4`);
      expect(second.events.map((e) => e.seq)).toEqual([5, 6]);
      expect(second.nextAfterSeq).toBeNull();
      const past = await page('?afterSeq=6');
      expect(past).toMatchObject({ events: [], nextAfterSeq: null });
      expect((await page('')).nextAfterSeq).toBeNull();

      const bad = await fixture.inject({
        method: 'GET',
        url: '/sagas/saga-1/events?limit=0&afterSeq=-1&from=2',
      });
      expect(bad.statusCode).toBe(400);
      expect(bad.json<ErrorJson>().error.details?.issues).toHaveLength(3);
    });
  });

  describe('GET /sagas', () => {
    beforeEach(async () => {
      // saga-1 completes, saga-2 compensates, saga-3 stays running.
      await start({ sagaType: 'transfer', input, businessKey: 'order-1' });
      await start({
        sagaType: 'transfer',
        input: { ...input, amount: 500 },
        businessKey: 'order-2',
      });
      await fixture.kit.runUntilIdle();
      fixture.kit.clock.advance(1_000);
      await start({ sagaType: 'transfer', input, businessKey: 'order-3' });
    });

    const list = async (query: string) => {
      const response = await fixture.inject({ method: 'GET', url: `/sagas${query}` });
      expect(response.statusCode).toBe(200);
      return response.json<PageJson>();
    };

    it('lists every saga, newest first, with a default page size', async () => {
      const page = await list('');
      expect(page.items.map((s) => s.sagaId)).toEqual(['saga-3', 'saga-2', 'saga-1']);
      expect(page.nextCursor).toBeNull();
      expect(page.items[0]).toMatchObject({
        sagaType: 'transfer',
        businessKey: 'order-3',
        status: 'RUNNING',
        activeSteps: ['debit'],
        endedAt: null,
      });
    });

    it('filters by status, type and business key', async () => {
      expect((await list('?status=COMPENSATED')).items.map((s) => s.sagaId)).toEqual(['saga-2']);
      expect((await list('?sagaType=transfer&status=COMPLETED')).items).toHaveLength(1);
      expect((await list('?businessKey=order-3')).items.map((s) => s.sagaId)).toEqual(['saga-3']);
      expect((await list('?status=COMPENSATION_FAILED')).items).toEqual([]);
    });

    it('filters by several statuses, by start and change windows, and sorts either way', async () => {
      expect((await list('?status=COMPLETED,COMPENSATED')).items.map((s) => s.sagaId)).toEqual([
        'saga-2',
        'saga-1',
      ]);
      expect(
        (await list('?status=RUNNING&status=COMPLETED&order=asc')).items.map((s) => s.sagaId),
      ).toEqual(['saga-1', 'saga-3']);
      const [newest] = (await list('?limit=1')).items;
      const started = encodeURIComponent(newest?.startedAt ?? '');
      expect((await list(`?startedBefore=${started}`)).items.map((s) => s.sagaId)).toEqual([
        'saga-2',
        'saga-1',
      ]);
      expect((await list(`?updatedAfter=${started}`)).items.map((s) => s.sagaId)).toEqual([
        'saga-3',
      ]);
    });

    it('lists the stuck sagas: in flight without a change past the threshold, and parked ones', async () => {
      expect((await list('?stuck=true')).items).toEqual([]);
      fixture.kit.clock.advance(5_000);
      expect((await list('?stuck=true&stuckAfterMs=4000')).items.map((s) => s.sagaId)).toEqual([
        'saga-3',
      ]);
      expect((await list('?stuck=true&stuckAfterMs=60000')).items).toEqual([]);
    });

    it('pages with the cursor until the last page', async () => {
      const first = await list('?limit=2');
      expect(first.items.map((s) => s.sagaId)).toEqual(['saga-3', 'saga-2']);
      expect(first.nextCursor).not.toBeNull();

      const second = await list(`?limit=2&cursor=${encodeURIComponent(first.nextCursor ?? '')}`);
      expect(second.items.map((s) => s.sagaId)).toEqual(['saga-1']);
      expect(second.nextCursor).toBeNull();
    });

    it('answers 400 for a bad limit, status, unknown parameter or a cursor it did not issue', async () => {
      const cases: [string, RegExp][] = [
        ['?limit=0', /^query\.limit: /],
        ['?limit=501', /^query\.limit: /],
        ['?limit=ten', /^query\.limit: /],
        ['?status=DONE', /^query\.status\[0\]: Invalid option/],
        ['?state=RUNNING', /^query: Unrecognized key: "state"/],
        ['?status=RUNNING,DONE', /^query\.status\[1\]: /],
        ['?startedAfter=yesterday', /^query\.startedAfter: /],
        ['?stuckAfterMs=60000', /^query\.stuckAfterMs: stuckAfterMs needs stuck=true/],
        ['?stuck=true&stuckAfterMs=10', /^query\.stuckAfterMs: /],
        ['?sort=ended', /^query\.sort: /],
      ];
      for (const [query, issue] of cases) {
        const response = await fixture.inject({ method: 'GET', url: `/sagas${query}` });
        expect(response.statusCode).toBe(400);
        expect(response.json<ErrorJson>().error.details?.issues).toEqual([
          expect.stringMatching(issue),
        ]);
      }
      const badCursor = await fixture.inject({ method: 'GET', url: '/sagas?cursor=bm9wZQ' });
      expect(badCursor.statusCode).toBe(400);
      expect(badCursor.json<ErrorJson>().error.code).toBe('ARGUMENT_INVALID');
    });
  });
});

describe('POST /sagas when the timers cannot be set after the commit', () => {
  it('answers 201: the saga exists and recovery re-arms its timers', async () => {
    const base = createHttpApiFixture();
    await base.app.close();
    const { kit } = base;
    const engine = new SagaEngine({
      definitions: new DefinitionRegistry().register(transferSaga),
      eventStore: kit.eventStore,
      scheduler: {
        schedule: () => Promise.reject(new Error('redis down')),
        cancel: () => Promise.resolve(),
      },
      commandEncoder: new InMemoryCommandEncoder(),
      clock: kit.clock,
      ids: new SequentialIdGenerator({ prefix: 'saga' }),
    });
    const fixture = createHttpApiFixture({ deps: { engine } });

    const response = await fixture.inject({
      method: 'POST',
      url: '/sagas',
      payload: { sagaType: 'transfer', input },
    });
    expect(response.statusCode).toBe(201);
    expect(response.json<StartJson>()).toEqual({
      sagaId: 'saga-1',
      created: true,
      status: 'RUNNING',
    });
    expect(kit.eventStore.state('saga-1')?.pendingTimers.map((t) => t.timerId)).toEqual([
      'saga-1.debit.f.1.timeout',
    ]);
    expect(fixture.logger.lines).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        message: 'decision committed, but its timers could not be set; recovery re-arms them',
      }),
    );

    const action = await fixture.inject({
      method: 'POST',
      url: '/sagas/saga-1/actions/retry-step',
      payload: { reason: 'stuck', step: 'debit' },
    });
    expect(action.statusCode).toBe(200);
    expect(action.json<SagaView>().steps[0]).toMatchObject({ name: 'debit', attempt: 2 });
    await fixture.app.close();
  });
});

describe('POST /sagas under admission control', () => {
  let fixture: HttpApiFixture;
  let nowMs = 0;
  let pendingReplies = 0;

  /** The API with an admission control that counts the test kit's sagas in flight. */
  function admitted(bounds: { maxPendingReplies?: number; maxInFlightSagas?: number }) {
    const admission: AdmissionControl = new AdmissionControl({
      readBacklog: () =>
        Promise.resolve({
          pendingReplies,
          inFlightSagas: fixture.kit.eventStore
            .sagaIds()
            .filter((id) => !isTerminalStatus(fixture.kit.state(id).status)).length,
        }),
      maxPendingReplies: 0,
      ...bounds,
      refreshIntervalMs: 500,
      retryAfterSeconds: 3,
      now: () => nowMs,
    });
    fixture = createHttpApiFixture({ deps: { admission } });
    return admission;
  }

  const start = (businessKey: string) =>
    fixture.inject({
      method: 'POST',
      url: '/sagas',
      payload: { sagaType: 'transfer', input, businessKey },
    });

  beforeEach(() => {
    nowMs = 0;
    pendingReplies = 0;
  });

  afterEach(async () => {
    await fixture.app.close();
  });

  it('answers 429 with Retry-After and the backlog while sagas in flight are at the bound, 201 under it', async () => {
    admitted({ maxInFlightSagas: 2 }).open();

    expect((await start('order-1')).statusCode).toBe(201);
    nowMs += 500;
    expect((await start('order-2')).statusCode).toBe(201);
    nowMs += 500;
    const refused = await start('order-3');

    expect(refused.statusCode).toBe(429);
    expect(refused.headers['retry-after']).toBe('3');
    expect(refused.json<ErrorJson>().error).toEqual({
      code: 'SAGA_START_REFUSED',
      message:
        'the orchestrator is overloaded: 2 sagas in flight (bound 2); no new saga was started, try again later',
      details: { reason: 'in-flight-sagas', count: 2, bound: 2, retryAfterSeconds: 3 },
    });
    expect(fixture.kit.eventStore.sagaIds()).toEqual(['saga-1', 'saga-2']);

    // The sagas end; once the cached count is refreshed, starts pass again.
    await fixture.kit.runUntilIdle();
    nowMs += 500;
    const again = await start('order-3');
    expect(again.statusCode).toBe(201);
    expect(again.headers['retry-after']).toBeUndefined();
  });

  it('answers 429 while the replies waiting to be applied are at the bound', async () => {
    admitted({ maxPendingReplies: 1000 }).open();
    pendingReplies = 1000;

    const refused = await start('order-1');

    expect(refused.statusCode).toBe(429);
    expect(refused.headers['retry-after']).toBe('3');
    expect(refused.json<ErrorJson>().error).toMatchObject({
      code: 'SAGA_START_REFUSED',
      details: { reason: 'pending-replies', count: 1000, bound: 1000 },
    });
    pendingReplies = 999;
    nowMs += 500;
    expect((await start('order-1')).statusCode).toBe(201);
  });

  it('still answers 400 to a malformed start, whatever the backlog', async () => {
    admitted({ maxPendingReplies: 1 }).open();
    pendingReplies = 5;

    const response = await fixture.inject({ method: 'POST', url: '/sagas', payload: {} });

    expect(response.statusCode).toBe(400);
  });

  it('answers 503 SERVICE_STARTING with Retry-After until the event store is open; the probes answer', async () => {
    const admission = admitted({ maxInFlightSagas: 10 });

    const early = await start('order-1');
    expect(early.statusCode).toBe(503);
    expect(early.headers['retry-after']).toBe('1');
    expect(early.json<ErrorJson>().error.code).toBe('SERVICE_STARTING');
    const listing = await fixture.inject({ method: 'GET', url: '/sagas' });
    expect(listing.statusCode).toBe(503);
    for (const url of ['/health', '/ready', '/metrics']) {
      expect((await fixture.inject({ method: 'GET', url })).statusCode).toBe(200);
    }
    // Expected while starting: not logged as a server failure.
    expect(fixture.logger.lines.filter((l) => l.message === 'request failed')).toEqual([]);

    admission.open();
    expect((await start('order-1')).statusCode).toBe(201);
  });
});
