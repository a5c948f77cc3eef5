import { InMemoryInbox } from './in-memory-inbox';
import { ManualClock } from './manual-clock';

describe('InMemoryInbox', () => {
  const message = { consumer: 'c', messageId: 'm', sagaId: 's', messageType: 't', payload: '' };

  it('stamps updatedAt from its clock and lists the oldest stale records first', async () => {
    const clock = new ManualClock('2030-01-01T00:00:00Z');
    const inbox = new InMemoryInbox({ clock });
    await inbox.receive([{ ...message, messageId: 'old' }]);
    clock.advance(1000);
    await inbox.receive([message]);
    clock.advance(1000);
    await inbox.receive([{ ...message, messageId: 'new' }]);
    await inbox.claim('c', 'old', clock.now());

    const stale = await inbox.findStale(clock.now(), 10);

    expect(stale.map((r) => [r.messageId, r.updatedAt])).toEqual([
      ['m', '2030-01-01T00:00:01.000Z'],
    ]);
    expect(inbox.records().map((r) => r.messageId)).toEqual(['old', 'm', 'new']);
  });

  it('keeps DONE final: a late fail or a second mark changes nothing', async () => {
    const clock = new ManualClock('2030-01-01T00:00:00Z');
    const inbox = new InMemoryInbox({ clock });
    await inbox.receive([message]);
    await inbox.complete('c', 'm');
    clock.advance(1000);
    await inbox.fail('c', 'm', 'late');
    inbox.markDone('c', 'm');
    await expect(inbox.get('c', 'm')).resolves.toMatchObject({
      status: 'DONE',
      lastError: null,
      updatedAt: '2030-01-01T00:00:00.000Z',
    });
  });

  it('completing or failing an unknown message is a no-op', async () => {
    const inbox = new InMemoryInbox({ clock: new ManualClock('2030-01-01T00:00:00Z') });
    await inbox.complete('c', 'nothing');
    await inbox.fail('c', 'nothing', 'x');
    expect(inbox.records()).toEqual([]);
  });

  it('validates its arguments', async () => {
    const inbox = new InMemoryInbox({ clock: new ManualClock('2030-01-01T00:00:00Z') });
    await expect(inbox.findStale(new Date(0), 0)).rejects.toThrow('invalid limit: 0');
    await expect(inbox.claim('c', 'm', new Date(NaN))).rejects.toThrow(
      'invalid leaseExpiredBefore: Invalid Date',
    );
  });
});
