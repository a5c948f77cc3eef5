import { type EventSourceMessage } from 'eventsource-parser';

import { type SagaStream } from './api-client';
import { type SagaEventEntry, type SagaEventsPage } from './api-types';
import { ApiError, UnreachableError } from './errors';
import {
  followSaga,
  type FollowSagaOptions,
  parseStreamEntry,
  readHistory,
  type SagaEventSource,
} from './saga-history';

const SAGA = 's-1';

function entry(seq: number, type = 'CommandDispatched'): SagaEventEntry {
  return {
    seq,
    type,
    event: { type, v: 1, at: '2024-05-01T10:00:00.000Z' },
    recordedAt: `2024-05-01T10:00:${String(seq).padStart(2, '0')}.000Z`,
  };
}

function message(seq: number, type?: string): EventSourceMessage {
  return {
    id: `e-${seq}`,
    event: 'saga-event',
    data: JSON.stringify({ sagaId: SAGA, sagaType: 'place-order', ...entry(seq, type) }),
  };
}

type StreamPlay = (fake: FakeEventSource) => Iterable<EventSourceMessage>;

/** The messages of a stream, each one read asynchronously as from a socket. */
function asyncOf(play: () => Iterable<EventSourceMessage>): AsyncIterable<EventSourceMessage> {
  return {
    [Symbol.asyncIterator]: () => {
      const iterator = play()[Symbol.iterator]();
      return { next: () => Promise.resolve().then(() => iterator.next()) };
    },
  };
}

/**
 * A saga's stored events behind the events API (pages of two) and an event stream that
 * plays `streams` in turn, one per opening; null as a stream answers 404.
 */
class FakeEventSource implements SagaEventSource {
  readonly stored: SagaEventEntry[];
  readonly opened: (string | null)[] = [];
  readonly closed: boolean[] = [];
  failuresLeft = 0;
  /** Run before each events read: the saga moving on while it is followed. */
  onRead: () => void = () => undefined;
  readonly #streams: (StreamPlay | null)[];

  constructor(stored: SagaEventEntry[], streams: (StreamPlay | null)[]) {
    this.stored = stored;
    this.#streams = streams;
  }

  getSagaEvents(sagaId: string, afterSeq: number): Promise<SagaEventsPage> {
    if (this.failuresLeft > 0) {
      this.failuresLeft -= 1;
      return Promise.reject(new UnreachableError('cannot reach the orchestrator at http://x'));
    }
    this.onRead();
    const after = this.stored.filter((e) => e.seq > afterSeq);
    const events = after.slice(0, 2);
    return Promise.resolve({
      sagaId,
      events,
      nextAfterSeq: after.length > 2 ? (events.at(-1)?.seq ?? null) : null,
    });
  }

  openSagaStream(_sagaId: string, lastEventId: string | null): Promise<SagaStream | null> {
    this.opened.push(lastEventId);
    const play = this.#streams.shift();
    if (play === undefined) throw new Error('no stream left to open');
    if (play === null) return Promise.resolve(null);
    const index = this.closed.push(false) - 1;
    return Promise.resolve({
      messages: asyncOf(() => play(this)),
      close: () => {
        this.closed[index] = true;
      },
    });
  }
}

async function follow(
  source: SagaEventSource,
  options: Partial<FollowSagaOptions> = {},
): Promise<{ seqs: number[]; notices: string[]; sleeps: number[] }> {
  const seqs: number[] = [];
  const notices: string[] = [];
  const sleeps: number[] = [];
  await followSaga({
    sagaId: SAGA,
    source,
    onEvent: (e) => seqs.push(e.seq),
    onNotice: (m) => notices.push(m),
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
    ...options,
  });
  return { seqs, notices, sleeps };
}

describe('followSaga', () => {
  it('prints the history, then streamed events once each, filling a gap from the events API', async () => {
    const source = new FakeEventSource(
      [entry(1, 'SagaStarted'), entry(2), entry(3)],
      [
        function* (fake) {
          yield message(2);
          yield message(3);
          // 4 is committed but its message is lost: 5 shows the gap.
          fake.stored.push(entry(4), entry(5));
          yield message(5);
          yield { event: 'keep-alive', data: '' };
          fake.stored.push(entry(6, 'SagaCompensated'));
          yield message(6, 'SagaCompensated');
          throw new Error('never read: the saga ended');
        },
      ],
    );

    const { seqs, notices } = await follow(source);

    expect(seqs).toEqual([1, 2, 3, 4, 5, 6]);
    expect(notices).toEqual([]);
    expect(source.opened).toEqual([null]);
    expect(source.closed).toEqual([true]);
  });

  it('opens a stream that ended again with Last-Event-ID, and reads what came meanwhile', async () => {
    const source = new FakeEventSource(
      [entry(1, 'SagaStarted')],
      [
        function* (fake) {
          fake.stored.push(entry(2));
          yield message(2);
          fake.stored.push(entry(3));
        },
        function* (fake) {
          fake.stored.push(entry(4, 'SagaCompleted'));
          yield message(4, 'SagaCompleted');
        },
      ],
    );

    const { seqs, sleeps } = await follow(source);

    expect(seqs).toEqual([1, 2, 3, 4]);
    expect(source.opened).toEqual([null, 'e-2']);
    expect(source.closed).toEqual([true, true]);
    expect(sleeps).toEqual([1000]);
  });

  it('polls the events API every interval when the orchestrator has no stream', async () => {
    const source = new FakeEventSource([entry(1, 'SagaStarted')], [null]);
    let reads = 0;
    source.onRead = () => {
      reads += 1;
      if (reads === 3) source.stored.push(entry(2));
      if (reads === 5) source.stored.push(entry(3), entry(4, 'SagaCompensated'), entry(5));
    };

    const { seqs, notices, sleeps } = await follow(source, { intervalMs: 250 });

    // Nothing after the event that ends the saga.
    expect(seqs).toEqual([1, 2, 3, 4]);
    expect(notices).toEqual(['the orchestrator has no event stream: polling every 250 ms']);
    expect(sleeps).toEqual([250, 250, 250, 250]);
  });

  it('tries again after a transient failure, and says when the orchestrator is back', async () => {
    const source = new FakeEventSource(
      [entry(1, 'SagaStarted'), entry(2, 'SagaCompleted')],
      [null],
    );
    source.failuresLeft = 2;

    const { seqs, notices } = await follow(source);

    expect(seqs).toEqual([1, 2]);
    expect(notices).toEqual([
      'the orchestrator has no event stream: polling every 1000 ms',
      'cannot reach the orchestrator at http://x; trying again every 1000 ms',
      'the orchestrator answers again',
    ]);
  });

  it('gives up after maxFailures transient failures in a row', async () => {
    const source = new FakeEventSource([entry(1, 'SagaStarted')], [null]);
    source.failuresLeft = 10;

    await expect(follow(source, { maxFailures: 3 })).rejects.toThrow(UnreachableError);
    expect(source.failuresLeft).toBe(7);
  });

  it('ends at once on an answer that will not change (401)', async () => {
    const source = new FakeEventSource([entry(1)], [null]);
    const refused = new ApiError({
      method: 'GET',
      path: '/sagas/s-1/events',
      status: 401,
      code: 'UNAUTHENTICATED',
      message: 'the API token is not valid',
      tokenSent: true,
    });
    source.getSagaEvents = () => Promise.reject(refused);

    await expect(follow(source)).rejects.toBe(refused);
  });

  it('ends after the history when the saga had ended, closing the stream unread', async () => {
    const source = new FakeEventSource(
      [entry(1, 'SagaStarted'), entry(2), entry(3, 'SagaCompleted')],
      [
        () => ({
          [Symbol.iterator]: () => {
            throw new Error('the stream was read');
          },
        }),
      ],
    );

    const { seqs } = await follow(source);

    expect(seqs).toEqual([1, 2, 3]);
    expect(source.closed).toEqual([true]);
  });
});

describe('readHistory', () => {
  it('reads every page, following nextAfterSeq', async () => {
    const source = new FakeEventSource(
      [1, 2, 3, 4, 5].map((seq) => entry(seq)),
      [],
    );

    const entries = await readHistory(source, SAGA);

    expect(entries.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
  });
});

describe('parseStreamEntry', () => {
  it("keeps a saga-event message's data whole", () => {
    expect(parseStreamEntry(message(3), SAGA)).toEqual({
      sagaId: SAGA,
      sagaType: 'place-order',
      ...entry(3),
    });
    expect(parseStreamEntry({ data: JSON.stringify(entry(3)) }, SAGA)).toEqual(entry(3));
  });

  it('drops other messages: another event name, another saga, data that is not an entry', () => {
    expect(parseStreamEntry({ ...message(3), event: 'heartbeat' }, SAGA)).toBeNull();
    expect(parseStreamEntry(message(3), 's-2')).toBeNull();
    expect(parseStreamEntry({ event: 'saga-event', data: '{"seq":"3"}' }, SAGA)).toBeNull();
    expect(parseStreamEntry({ event: 'saga-event', data: 'not json' }, SAGA)).toBeNull();
  });
});
