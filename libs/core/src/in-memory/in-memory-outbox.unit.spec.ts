import { InvalidArgumentError } from '../errors/errors';
import { InMemoryOutbox } from './in-memory-outbox';
import { ManualClock } from './manual-clock';

describe('InMemoryOutbox', () => {
  const message = (id: string, key = 'k') => ({ id, topic: 't', key, headers: {}, value: id });

  it('records when each message was created and published', async () => {
    const clock = new ManualClock('2030-01-01T00:00:00Z');
    const outbox = new InMemoryOutbox({ clock });
    outbox.enqueue([message('a'), message('b')]);
    clock.advance(1000);
    await outbox.publishBatch(1, () => Promise.resolve());
    expect(outbox.records()).toEqual([
      expect.objectContaining({
        id: 'a',
        seq: 1,
        createdAt: '2030-01-01T00:00:00.000Z',
        publishedAt: '2030-01-01T00:00:01.000Z',
      }),
      expect.objectContaining({ id: 'b', seq: 2, publishedAt: null }),
    ]);
  });

  it('rejects a message id already in the outbox, writing none of the batch', () => {
    const outbox = new InMemoryOutbox({ clock: new ManualClock('2030-01-01T00:00:00Z') });
    outbox.enqueue([message('a')]);
    expect(() => {
      outbox.enqueue([message('b'), message('a')]);
    }).toThrow(InvalidArgumentError);
    expect(outbox.records().map((r) => r.id)).toEqual(['a']);
  });

  it('rejects a limit below 1', async () => {
    const outbox = new InMemoryOutbox({ clock: new ManualClock('2030-01-01T00:00:00Z') });
    await expect(outbox.publishBatch(0, () => Promise.resolve())).rejects.toThrow(
      'invalid limit: 0 (must be an integer >= 1)',
    );
  });
});
