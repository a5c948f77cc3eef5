import { InMemoryEventProcessStore } from './in-memory-event-process-store';
import { ManualClock } from './manual-clock';

describe('InMemoryEventProcessStore', () => {
  const message = { consumer: 'c', messageId: 'm', sagaId: 's', messageType: 't', payload: '' };

  it('stamps updatedAt from its clock and lists the oldest stale records first', async () => {
    const clock = new ManualClock('2030-01-01T00:00:00Z');
    const eventProcess = new InMemoryEventProcessStore({ clock });
    await eventProcess.receive([{ ...message, messageId: 'old' }]);
    clock.advance(1000);
    await eventProcess.receive([message]);
    clock.advance(1000);
    await eventProcess.receive([{ ...message, messageId: 'new' }]);
    await eventProcess.claim('c', 'old', clock.now());

    const stale = await eventProcess.findStale(clock.now(), 10);

    expect(stale.map((r) => [r.messageId, r.updatedAt])).toEqual([
      ['m', '2030-01-01T00:00:01.000Z'],
    ]);
    expect(eventProcess.records().map((r) => r.messageId)).toEqual(['old', 'm', 'new']);
  });

  it('keeps DONE final: a late fail or a second mark changes nothing', async () => {
    const clock = new ManualClock('2030-01-01T00:00:00Z');
    const eventProcess = new InMemoryEventProcessStore({ clock });
    await eventProcess.receive([message]);
    await eventProcess.complete('c', 'm');
    clock.advance(1000);
    await eventProcess.fail('c', 'm', 'late');
    eventProcess.markDone('c', 'm');
    await expect(eventProcess.get('c', 'm')).resolves.toMatchObject({
      status: 'DONE',
      lastError: null,
      updatedAt: '2030-01-01T00:00:00.000Z',
    });
  });

  it('completing or failing an unknown message is a no-op', async () => {
    const eventProcess = new InMemoryEventProcessStore({
      clock: new ManualClock('2030-01-01T00:00:00Z'),
    });
    await eventProcess.complete('c', 'nothing');
    await eventProcess.fail('c', 'nothing', 'x');
    expect(eventProcess.records()).toEqual([]);
  });

  it('validates its arguments', async () => {
    const eventProcess = new InMemoryEventProcessStore({
      clock: new ManualClock('2030-01-01T00:00:00Z'),
    });
    await expect(eventProcess.findStale(new Date(0), 0)).rejects.toThrow('invalid limit: 0');
    await expect(eventProcess.claim('c', 'm', new Date(NaN))).rejects.toThrow(
      'invalid leaseExpiredBefore: Invalid Date',
    );
  });
});
