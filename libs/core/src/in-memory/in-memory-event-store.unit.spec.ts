import { sampleStarted, sampleState } from '../testing/contract-samples';
import { InvalidArgumentError } from '../errors/errors';
import { type Clock } from '../ports/clock';
import { InMemoryEventStore } from './in-memory-event-store';
import { InMemoryEventProcessStore } from './in-memory-event-process-store';
import { InMemoryOutbox } from './in-memory-outbox';
import { ManualClock } from './manual-clock';

describe('InMemoryEventStore', () => {
  const clock = new ManualClock('2030-01-01T00:00:00Z');
  const started = sampleStarted('s1', 'order', null);
  const request = {
    sagaId: 's1',
    expectedVersion: 0,
    events: [started],
    state: sampleState('s1', 'order', null, 1),
    outbox: [],
  };

  it('writes into the outbox and EventProcess table it is given', async () => {
    const outbox = new InMemoryOutbox({ clock });
    const eventProcess = new InMemoryEventProcessStore({ clock });
    const store = new InMemoryEventStore({ clock, outbox, eventProcess });
    await eventProcess.receive([
      { consumer: 'c', messageId: 'r1', sagaId: 's1', messageType: 'reply', payload: '{}' },
    ]);
    await store.append({
      ...request,
      outbox: [{ id: 'm1', topic: 't', key: 's1', headers: {}, value: 'v' }],
      processed: { consumer: 'c', messageId: 'r1' },
    });
    expect(outbox.records().map((r) => r.id)).toEqual(['m1']);
    expect((await eventProcess.get('c', 'r1'))?.status).toBe('DONE');
    expect(store.sagaIds()).toEqual(['s1']);
    expect(store.stream('s1')[0]?.recordedAt).toBe('2030-01-01T00:00:00.000Z');
  });

  it('a processed mark for a message the EventProcess table never received changes nothing', async () => {
    const store = new InMemoryEventStore({ clock });
    await store.append({ ...request, processed: { consumer: 'c', messageId: 'unknown' } });
    expect(store.eventProcess.records()).toEqual([]);
  });

  it('copies what it stores: mutating the request or a result changes no history', async () => {
    const store = new InMemoryEventStore({ clock });
    const list = [1];
    await store.append({ ...request, events: [{ ...started, input: { list } }] });
    list.push(2);
    const [read] = await store.readStream('s1');
    expect(read?.event).toEqual({ ...started, input: { list: [1] } });
  });

  it.each([
    ['no events', { events: [] }, 'events'],
    ['a negative expected version', { expectedVersion: -1 }, 'expectedVersion'],
    ['a state of another saga', { state: sampleState('s2', 'order', null, 1) }, 'state'],
    ['a state at the wrong version', { state: sampleState('s1', 'order', null, 3) }, 'state'],
    [
      'an outbox message id used twice',
      {
        outbox: [
          { id: 'm1', topic: 't', key: 's1', headers: {}, value: 'a' },
          { id: 'm1', topic: 't', key: 's1', headers: {}, value: 'b' },
        ],
      },
      'outbox message id',
    ],
  ])('rejects %s and writes nothing', async (_, change, field) => {
    const store = new InMemoryEventStore({ clock });
    await expect(store.append({ ...request, ...change })).rejects.toMatchObject({
      constructor: InvalidArgumentError,
      field,
    });
    expect(store.sagaIds()).toEqual([]);
    expect(store.outbox.records()).toEqual([]);
  });

  it('requires a clock', () => {
    expect(() => new InMemoryEventStore({ clock: {} as Clock })).toThrow(
      /invalid clock: \{\} \(must implement now\(\)\)/,
    );
  });
});
