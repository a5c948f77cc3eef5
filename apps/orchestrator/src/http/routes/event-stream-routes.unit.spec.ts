import { type SagaEvent } from '@sagaflow/core';

import {
  createHttpApiFixture,
  type ErrorJson,
  fixtureToken,
  type HttpApiFixture,
} from '../__fixtures__/http-api-fixture';
import { type InMemorySagaEventFeed } from '../__fixtures__/in-memory-saga-event-feed';
import {
  EventStreamReader,
  type OpenStreamOptions,
  type ServerSentEvent,
} from '../__fixtures__/server-sent-events';
import { type EventStreamOptions } from '../http-api-options';

interface Served {
  readonly fixture: HttpApiFixture;
  readonly feed: InMemorySagaEventFeed;
  readonly base: string;
  open(query?: string, options?: Partial<OpenStreamOptions>): Promise<EventStreamReader>;
}

let served: Served[] = [];
let readers: EventStreamReader[] = [];

/** The API listening on a free port; polls every 20 ms, gaps waited for 100 ms. */
async function serve(eventStream: EventStreamOptions = {}): Promise<Served> {
  const fixture = createHttpApiFixture({
    options: { eventStream: { pollIntervalMs: 20, gapGraceMs: 100, ...eventStream } },
  });
  const base = await fixture.app.listen({ host: '127.0.0.1', port: 0 });
  const server: Served = {
    fixture,
    feed: fixture.eventFeed,
    base,
    open: async (query = '', options = {}) => {
      const reader = await EventStreamReader.open(`${base}/events/stream${query}`, {
        token: fixtureToken('viewer'),
        ...options,
      });
      readers.push(reader);
      return reader;
    },
  };
  served.push(server);
  return server;
}

afterEach(async () => {
  for (const reader of readers) reader.close();
  // Closing after the readers aborted: the connection fetch opens then must not hold it.
  await Promise.all(served.map(({ fixture }) => fixture.app.close()));
  readers = [];
  served = [];
});

const STARTED: SagaEvent = {
  type: 'SagaStarted',
  v: 1,
  at: '2030-01-01T00:00:00.000Z',
  sagaId: 's-2',
  sagaType: 'refund',
  sagaVersion: 1,
  businessKey: null,
  input: { amount: 5 },
};

const idsOf = (events: readonly ServerSentEvent[]) => events.map((event) => event.id);
const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => String(from + i));

/** Waits for `done` to hold, checking every 10 ms, for at most `timeoutMs`. */
async function eventually(done: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function closedLines(fixture: HttpApiFixture) {
  return fixture.logger.lines.filter((line) => line.message.startsWith('event stream c'));
}

describe('GET /events/stream', () => {
  it('streams saga events as server-sent events: id, event name, JSON data, a retry hint and keep-alive comments', async () => {
    const { feed, open } = await serve({ heartbeatMs: 30 });

    const stream = await open();
    feed.record({ sagaId: 's-1' }, { sagaId: 's-2', sagaType: 'refund', event: STARTED });
    const events = await stream.take(2);

    expect(stream.response.status).toBe(200);
    expect(stream.response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(stream.response.headers.get('cache-control')).toBe('no-cache');
    expect(stream.response.headers.get('x-accel-buffering')).toBe('no');
    expect(stream.response.headers.get('x-request-id')).toEqual(expect.any(String));
    expect(events.map(({ id, event }) => [id, event])).toEqual([
      ['1', 'saga-event'],
      ['2', 'saga-event'],
    ]);
    expect(JSON.parse(events[1]?.data ?? '')).toEqual({
      sagaId: 's-2',
      sagaType: 'refund',
      seq: 1,
      type: 'SagaStarted',
      event: STARTED,
      recordedAt: '2030-01-01T00:00:00.000Z',
    });
    expect(stream.retry).toBe(2000);
    await stream.comment('keep-alive');
  });

  it('sends the events recorded after it opened when no Last-Event-ID is given', async () => {
    const { feed, open } = await serve();
    feed.record({ sagaId: 's-1' }, { sagaId: 's-1' });

    const stream = await open();
    feed.record({ sagaId: 's-2' });

    expect(idsOf(await stream.take(1))).toEqual(['3']);
    expect(await stream.collectFor(100)).toEqual([]);
  });

  it('filters by saga id and by saga type, every stream served by the one poll of the instance', async () => {
    const { fixture, feed, open } = await serve();
    const all = await open();
    const oneSaga = await open('?sagaId=s-2');
    const refunds = await open('?sagaType=refund');

    feed.record(
      { sagaId: 's-1' },
      { sagaId: 's-2' },
      { sagaId: 's-3', sagaType: 'refund' },
      { sagaId: 's-2' },
    );

    expect(idsOf(await all.take(4))).toEqual(['1', '2', '3', '4']);
    expect(idsOf(await oneSaga.take(2))).toEqual(['2', '4']);
    expect(idsOf(await refunds.take(1))).toEqual(['3']);
    expect(await oneSaga.collectFor(60)).toEqual([]);
    expect(await refunds.collectFor(0)).toEqual([]);
    // Only the instance's poller read the store, unfiltered: no stream queried on its own.
    expect(feed.reads.length).toBeGreaterThan(0);
    expect(
      feed.reads.every(
        (query) =>
          query.sagaId === undefined &&
          query.sagaType === undefined &&
          query.throughId === undefined,
      ),
    ).toBe(true);

    for (const stream of [all, oneSaga, refunds]) stream.close();
    await eventually(() => closedLines(fixture).length === 3, 'the streams to close');
    const reads = feed.reads.length;
    await new Promise((resolve) => setTimeout(resolve, 100));
    // Idle: nothing is read while no stream is open.
    expect(feed.reads.length).toBe(reads);
  });

  it('resumes after Last-Event-ID: the missed events first, then the live ones, none twice', async () => {
    const { feed, open } = await serve();
    feed.record(...range(1, 5).map((i) => ({ sagaId: `s-${i}` })));

    const byHeader = await open('', { lastEventId: '2' });
    const byQuery = await open('?lastEventId=4');
    const headerWins = await open('?lastEventId=1', { lastEventId: '5' });

    expect(idsOf(await byHeader.take(3))).toEqual(['3', '4', '5']);
    expect(idsOf(await byQuery.take(1))).toEqual(['5']);
    feed.record({ sagaId: 's-6' });
    expect(idsOf(await byHeader.take(1))).toEqual(['6']);
    expect(idsOf(await byQuery.take(1))).toEqual(['6']);
    expect(idsOf(await headerWins.take(1))).toEqual(['6']);
    expect(await byHeader.collectFor(100)).toEqual([]);
  });

  it('catches up page by page while events keep coming, then follows live without a gap or a duplicate', async () => {
    const { feed, open } = await serve();
    const sagaType = (i: number) => (i % 3 === 0 ? 'refund' : 'transfer');
    feed.record(...range(1, 1200).map((i) => ({ sagaId: `s-${i}`, sagaType: sagaType(+i) })));

    const everything = await open('', { lastEventId: '0' });
    const refunds = await open('?sagaType=refund', { lastEventId: '0' });
    for (let batch = 0; batch < 10; batch += 1) {
      const from = 1201 + batch * 30;
      feed.record(
        ...range(from, from + 29).map((i) => ({ sagaId: `s-${i}`, sagaType: sagaType(+i) })),
      );
      await new Promise((resolve) => setTimeout(resolve, 5));
    }

    expect(idsOf(await everything.take(1500, 4000))).toEqual(range(1, 1500));
    expect(idsOf(await refunds.take(500, 4000))).toEqual(
      range(1, 1500).filter((id) => sagaType(+id) === 'refund'),
    );
    expect(await everything.collectFor(60)).toEqual([]);
  });

  it('holds back past a gap in the ids until the missing event is committed', async () => {
    const { feed, open } = await serve({ gapGraceMs: 60_000 });
    const stream = await open();
    feed.record({ sagaId: 's-1' });
    expect(idsOf(await stream.take(1))).toEqual(['1']);

    const [inFlight = ''] = feed.reserve(1);
    feed.record({ sagaId: 's-3' });
    expect(await stream.collectFor(150)).toEqual([]);
    feed.commit(inFlight, { sagaId: 's-2' });

    expect(idsOf(await stream.take(2))).toEqual(['2', '3']);
  });

  it('moves past a gap that stays open for the grace period (a rolled-back append)', async () => {
    const { feed, open } = await serve({ gapGraceMs: 100 });
    const stream = await open();
    feed.reserve(2);
    feed.record({ sagaId: 's-3' }, { sagaId: 's-4' });

    expect(idsOf(await stream.take(2))).toEqual(['3', '4']);
  });

  it('answers 503 STREAM_LIMIT_REACHED with Retry-After past the limit, and opens again once a stream closed', async () => {
    const { fixture, base, open } = await serve({ maxClients: 2 });
    const first = await open();
    await open();

    const refused = await fetch(`${base}/events/stream`, {
      headers: { authorization: `Bearer ${fixtureToken('viewer')}` },
    });

    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect((await refused.json()) as ErrorJson).toMatchObject({
      error: { code: 'STREAM_LIMIT_REACHED', details: { limit: 2, retryAfterSeconds: 5 } },
    });
    first.close();
    await eventually(() => closedLines(fixture).length === 1, 'the first stream to close');
    const again = await open();
    expect(again.response.status).toBe(200);
  });

  it('cuts off a client that lets too many events queue; it resumes from the last event it got', async () => {
    const { fixture, feed, open } = await serve({ maxQueuedEvents: 4 });
    const slow = await open();

    feed.record(...range(1, 40).map((i) => ({ sagaId: `s-${i}`, padding: 64 * 1024 })));
    await eventually(
      () => closedLines(fixture).some((line) => line.fields.reason === 'slow-client'),
      'the slow client to be cut off',
    );
    const got = await slow.readToEnd();

    expect(closedLines(fixture)).toEqual([
      expect.objectContaining({
        level: 'warn',
        message: 'event stream cut off: the client reads too slowly',
        fields: expect.objectContaining({ maxQueuedEvents: 4, actor: 'viewer' }) as unknown,
      }),
    ]);
    expect(idsOf(got)).toEqual(range(1, got.length));
    const resumed = await open('', { lastEventId: got.at(-1)?.id ?? '0' });
    expect(idsOf(await resumed.take(40 - got.length, 4000))).toEqual(range(got.length + 1, 40));
  });

  it('needs a viewer token and a valid query and Last-Event-ID', async () => {
    const { fixture } = await serve();
    const get = (
      url: string,
      headers: Record<string, string> = {},
      as: 'viewer' | null = 'viewer',
    ) => fixture.inject({ method: 'GET', url, headers }, as);

    const anonymous = await get('/events/stream', {}, null);
    const badType = await get('/events/stream?sagaType=Not%20Kebab');
    const unknown = await get('/events/stream?from=1');
    const badHeader = await get('/events/stream', { 'last-event-id': '007' });
    const notAnId = await get('/events/stream?lastEventId=latest');
    const tooLarge = await get('/events/stream?lastEventId=9223372036854775808');

    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json<ErrorJson>().error.code).toBe('UNAUTHENTICATED');
    for (const response of [badType, unknown, badHeader, notAnId, tooLarge]) {
      expect(response.statusCode).toBe(400);
      expect(response.json<ErrorJson>().error.code).toBe('REQUEST_INVALID');
    }
    expect(badType.json<ErrorJson>().error.details?.issues?.[0]).toMatch(/^query\.sagaType: /);
    expect(badHeader.json<ErrorJson>().error.details?.issues).toEqual([
      'headers.last-event-id: must be an event id: a decimal integer without leading zeros',
    ]);
    expect(tooLarge.json<ErrorJson>().error.details?.issues).toEqual([
      'query.lastEventId: must be at most 2^63 - 1',
    ]);
  });

  it('answers 500 when the event store cannot be read to start, and keeps no slot for it', async () => {
    const { feed, base, open } = await serve({ maxClients: 1 });
    feed.failure = new Error('connection refused');

    const failed = await fetch(`${base}/events/stream`, {
      headers: { authorization: `Bearer ${fixtureToken('viewer')}` },
    });
    feed.failure = null;
    const stream = await open();

    expect(failed.status).toBe(500);
    expect(((await failed.json()) as ErrorJson).error.code).toBe('INTERNAL_ERROR');
    expect(stream.response.status).toBe(200);
  });

  it('ends every stream when the API closes', async () => {
    const { fixture, open } = await serve();
    const streams = [await open(), await open('?sagaType=refund', { lastEventId: '0' })];

    await fixture.app.close();

    for (const stream of streams) {
      await stream.readToEnd(1000);
      expect(stream.ended).toBe(true);
    }
    expect(closedLines(fixture).map((line) => line.fields.reason)).toEqual([
      'shutdown',
      'shutdown',
    ]);
  });

  it('refuses options out of range, naming each', () => {
    expect(() =>
      createHttpApiFixture({ options: { eventStream: { maxClients: 0, gapGraceMs: -1 } } }),
    ).toThrow(
      'eventStream.maxClients=0 (expected an integer from 1 to 100000); ' +
        'eventStream.gapGraceMs=-1 (expected an integer from 0 to 60000)',
    );
  });
});
