import { type SagaTimer } from '../model/saga-timer';
import { InMemoryScheduler } from './in-memory-scheduler';

describe('InMemoryScheduler', () => {
  const timer = (timerId: string, dueAt: string): SagaTimer => ({
    timerId,
    sagaId: 's',
    step: 'x',
    direction: 'forward',
    attempt: 1,
    purpose: 'timeout',
    dueAt,
  });

  it('lists due timers earliest first, ties by id, and takes them once', async () => {
    const scheduler = new InMemoryScheduler();
    await scheduler.schedule([
      timer('c', '2030-01-01T00:00:02Z'),
      timer('b', '2030-01-01T00:00:01Z'),
      timer('a', '2030-01-01T00:00:01Z'),
      timer('later', '2030-01-01T01:00:00Z'),
    ]);
    const now = new Date('2030-01-01T00:00:05Z');
    expect(scheduler.dueTimers(now).map((t) => t.timerId)).toEqual(['a', 'b', 'c']);
    expect(scheduler.nextDueAt()).toEqual(new Date('2030-01-01T00:00:01Z'));
    expect(scheduler.takeDue(now).map((t) => t.timerId)).toEqual(['a', 'b', 'c']);
    expect(scheduler.takeDue(now)).toEqual([]);
    expect(scheduler.pending().map((t) => t.timerId)).toEqual(['later']);
  });

  it('keeps the first timer when an id is scheduled again', async () => {
    const scheduler = new InMemoryScheduler();
    await scheduler.schedule([timer('a', '2030-01-01T00:00:01Z')]);
    await scheduler.schedule([timer('a', '2030-01-01T09:00:00Z')]);
    expect(scheduler.pending()).toEqual([timer('a', '2030-01-01T00:00:01Z')]);
  });

  it('has no next due time when empty', () => {
    expect(new InMemoryScheduler().nextDueAt()).toBeNull();
  });

  it('rejects a timer with a bad id or due time, scheduling none of the batch', async () => {
    const scheduler = new InMemoryScheduler();
    await expect(
      scheduler.schedule([
        timer('ok', '2030-01-01T00:00:00Z'),
        timer('a:b', '2030-01-01T00:00:00Z'),
      ]),
    ).rejects.toThrow('invalid timerId: "a:b"');
    await expect(scheduler.schedule([timer('ok', 'soon')])).rejects.toThrow('invalid dueAt');
    expect(scheduler.pending()).toEqual([]);
  });
});
