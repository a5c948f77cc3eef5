import { type SagaTimer, type Scheduler } from '@sagaflow/core';
import { ManualClock, RecordingLogger } from '@sagaflow/core/testing';

import { DeferredTimerScheduler } from './deferred-timer-scheduler';

const HOLD_MS = 2000;

type Call =
  | { readonly op: 'schedule'; readonly timers: readonly SagaTimer[] }
  | { readonly op: 'cancel'; readonly timerIds: readonly string[] }
  | { readonly op: 'close' };

/** A call the test settles: `resolve()` or `reject(error)`. */
interface Pending {
  resolve(): void;
  reject(error: Error): void;
}

/**
 * The inner scheduler: records every call. `failNext(error)` makes the next `schedule`
 * reject; `holdNext()` makes it wait until the test settles it.
 */
class RecordingScheduler implements Scheduler {
  readonly calls: Call[] = [];
  readonly #outcomes: (Error | Pending)[] = [];

  schedule(timers: readonly SagaTimer[]): Promise<void> {
    this.calls.push({ op: 'schedule', timers: [...timers] });
    const outcome = this.#outcomes.shift();
    if (outcome === undefined) return Promise.resolve();
    if (outcome instanceof Error) return Promise.reject(outcome);
    return new Promise<void>((resolve, reject) => {
      outcome.resolve = resolve;
      outcome.reject = reject;
    });
  }

  cancel(timerIds: readonly string[]): Promise<void> {
    this.calls.push({ op: 'cancel', timerIds: [...timerIds] });
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.calls.push({ op: 'close' });
    return Promise.resolve();
  }

  failNext(error: Error): void {
    this.#outcomes.push(error);
  }

  holdNext(): Pending {
    const pending: Pending = {
      resolve: () => {
        throw new Error('the held schedule call has not been made');
      },
      reject: () => {
        throw new Error('the held schedule call has not been made');
      },
    };
    this.#outcomes.push(pending);
    return pending;
  }

  /** The timer ids of each schedule call, in order. */
  scheduled(): string[][] {
    return this.calls.flatMap((c) => (c.op === 'schedule' ? [c.timers.map((t) => t.timerId)] : []));
  }

  /** The timer ids of each cancel call, in order. */
  cancelled(): string[][] {
    return this.calls.flatMap((c) => (c.op === 'cancel' ? [[...c.timerIds]] : []));
  }
}

function setup(options: { holdMs?: number } = {}) {
  const clock = new ManualClock('2030-01-01T00:00:00.000Z');
  const inner = new RecordingScheduler();
  const logger = new RecordingLogger();
  const scheduler = new DeferredTimerScheduler({
    inner,
    holdMs: options.holdMs ?? HOLD_MS,
    clock,
    logger,
  });
  /** A step timeout due `inMs` after the clock's now. */
  const timer = (label: string, inMs: number): SagaTimer => ({
    timerId: `saga-${label}.step.f.1.timeout`,
    sagaId: `saga-${label}`,
    step: 'step',
    direction: 'forward',
    attempt: 1,
    purpose: 'timeout',
    dueAt: new Date(clock.now().getTime() + inMs).toISOString(),
  });
  return { clock, inner, logger, scheduler, timer };
}

describe('DeferredTimerScheduler', () => {
  describe('schedule', () => {
    it('holds a timer due later than holdMs: the inner scheduler gets nothing yet', async () => {
      const { scheduler, inner, timer } = setup();

      await scheduler.schedule([timer('a', 5000), timer('b', HOLD_MS + 1)]);

      expect(inner.calls).toEqual([]);
      expect(scheduler.held).toBe(2);
      await scheduler.close();
    });

    it('hands a timer due within holdMs to the inner scheduler at once, unchanged', async () => {
      const { scheduler, inner, timer } = setup();
      const soon = timer('soon', 500);
      const atHold = timer('at-hold', HOLD_MS);
      const overdue = timer('overdue', -100);
      const later = timer('later', 5000);

      await scheduler.schedule([soon, later, atHold, overdue]);

      expect(inner.calls).toEqual([{ op: 'schedule', timers: [soon, atHold, overdue] }]);
      expect(scheduler.held).toBe(1);
      await scheduler.close();
    });

    it('rejects with what the inner scheduler throws for the timers handed over at once', async () => {
      const { scheduler, inner, timer } = setup();
      const failure = new Error('redis down');
      inner.failNext(failure);

      await expect(scheduler.schedule([timer('soon', 10), timer('later', 5000)])).rejects.toBe(
        failure,
      );
      // The held one is unaffected.
      expect(scheduler.held).toBe(1);
      await scheduler.close();
    });

    it('holds a timer scheduled twice once', async () => {
      const { scheduler, inner, timer, clock } = setup();
      const a = timer('a', 5000);

      await scheduler.schedule([a, a]);
      await scheduler.schedule([a]);
      expect(scheduler.held).toBe(1);

      clock.advance(HOLD_MS);
      await scheduler.flushDue();
      expect(inner.scheduled()).toEqual([[a.timerId]]);
      await scheduler.close();
    });
  });

  describe('cancel', () => {
    it('drops a held timer without asking the inner scheduler; it is never handed over', async () => {
      const { scheduler, inner, timer, clock } = setup();
      const a = timer('a', 5000);
      const b = timer('b', 5000);
      await scheduler.schedule([a, b]);

      await scheduler.cancel([a.timerId]);

      expect(inner.calls).toEqual([]);
      expect(scheduler.held).toBe(1);
      clock.advance(HOLD_MS);
      await scheduler.flushDue();
      await scheduler.close();
      expect(inner.scheduled()).toEqual([[b.timerId]]);
      expect(inner.cancelled()).toEqual([]);
    });

    it('asks the inner scheduler to cancel only the ids it does not hold', async () => {
      const { scheduler, inner, timer, clock } = setup();
      const handedOver = timer('handed-over', 5000);
      const held = timer('held', 5000);
      await scheduler.schedule([handedOver]);
      clock.advance(HOLD_MS);
      await scheduler.flushDue();
      await scheduler.schedule([held]);

      await scheduler.cancel([handedOver.timerId, held.timerId, 'unknown.timer']);

      expect(inner.cancelled()).toEqual([[handedOver.timerId, 'unknown.timer']]);
      expect(scheduler.held).toBe(0);
      await scheduler.close();
    });

    it('cancelling only held timers makes no inner call at all', async () => {
      const { scheduler, inner, timer } = setup();
      const a = timer('a', 5000);
      await scheduler.schedule([a]);

      await scheduler.cancel([a.timerId]);
      await scheduler.cancel([]);

      expect(inner.calls).toEqual([]);
      await scheduler.close();
    });
  });

  describe('flushDue', () => {
    it('hands the timers whose hold ended to the inner scheduler in one call, unchanged', async () => {
      const { scheduler, inner, timer, clock } = setup();
      const a = timer('a', 5000);
      const b = timer('b', 6000);
      await scheduler.schedule([a]);
      await scheduler.schedule([b]);
      clock.advance(1000);
      const c = timer('c', 5000);
      await scheduler.schedule([c]);

      clock.advance(HOLD_MS - 1000);
      await scheduler.flushDue();

      expect(inner.calls).toEqual([{ op: 'schedule', timers: [a, b] }]);
      expect(scheduler.held).toBe(1);

      clock.advance(1000);
      await scheduler.flushDue();
      expect(inner.calls).toEqual([
        { op: 'schedule', timers: [a, b] },
        { op: 'schedule', timers: [c] },
      ]);
      expect(scheduler.held).toBe(0);
      await scheduler.close();
    });

    it('makes no inner call while no hold has ended', async () => {
      const { scheduler, inner, timer, clock } = setup();
      await scheduler.flushDue();
      await scheduler.schedule([timer('a', 5000)]);
      clock.advance(HOLD_MS - 1);

      await scheduler.flushDue();

      expect(inner.calls).toEqual([]);
      expect(scheduler.held).toBe(1);
      await scheduler.close();
    });

    it('keeps the timers held after a failed hand-over, logs it, and hands them over on the next try', async () => {
      const { scheduler, inner, timer, clock, logger } = setup();
      const a = timer('a', 5000);
      const b = timer('b', 5000);
      await scheduler.schedule([a, b]);
      clock.advance(HOLD_MS);
      inner.failNext(new Error('redis down'));

      await expect(scheduler.flushDue()).resolves.toBeUndefined();

      expect(scheduler.held).toBe(2);
      expect(logger.lines).toEqual([
        {
          level: 'warn',
          message: 'handing held timers to the queue failed; retrying',
          fields: {
            component: 'deferred-timers',
            timers: 2,
            error: expect.objectContaining({ message: 'redis down' }) as object,
          },
        },
      ]);

      await scheduler.flushDue();
      expect(inner.scheduled()).toEqual([
        [a.timerId, b.timerId],
        [a.timerId, b.timerId],
      ]);
      expect(scheduler.held).toBe(0);
      await scheduler.close();
      // Handed over already: close has nothing left to hand over.
      expect(inner.scheduled()).toHaveLength(2);
    });

    it('does not hold again a timer cancelled while its failed hand-over was in progress', async () => {
      const { scheduler, inner, timer, clock } = setup();
      const cancelled = timer('cancelled', 5000);
      const kept = timer('kept', 5000);
      await scheduler.schedule([cancelled, kept]);
      clock.advance(HOLD_MS);
      const handOver = inner.holdNext();

      const flushing = scheduler.flushDue();
      // Being handed over, it is the inner scheduler's to cancel.
      await scheduler.cancel([cancelled.timerId]);
      handOver.reject(new Error('redis down'));
      await flushing;

      expect(inner.cancelled()).toEqual([[cancelled.timerId]]);
      expect(scheduler.held).toBe(1);
      await scheduler.flushDue();
      expect(inner.scheduled()).toEqual([[cancelled.timerId, kept.timerId], [kept.timerId]]);
      await scheduler.close();
    });

    it('a call while a hand-over is in progress waits for it and starts no second one', async () => {
      const { scheduler, inner, timer, clock } = setup();
      const a = timer('a', 5000);
      await scheduler.schedule([a]);
      clock.advance(HOLD_MS);
      const handOver = inner.holdNext();

      const first = scheduler.flushDue();
      const second = scheduler.flushDue();
      handOver.resolve();
      await Promise.all([first, second]);

      expect(inner.scheduled()).toEqual([[a.timerId]]);
      expect(scheduler.held).toBe(0);
      await scheduler.close();
    });

    it('runs by itself while timers are held, and stops once none is', async () => {
      jest.useFakeTimers({ now: new Date('2030-01-01T00:00:00.000Z') });
      try {
        const inner = new RecordingScheduler();
        // The fake timers move the clock too.
        const scheduler = new DeferredTimerScheduler({
          inner,
          holdMs: HOLD_MS,
          clock: { now: () => new Date() },
        });
        const dueAt = new Date(Date.now() + 10_000).toISOString();
        const a: SagaTimer = {
          timerId: 'saga-a.step.f.1.timeout',
          sagaId: 'saga-a',
          step: 'step',
          direction: 'forward',
          attempt: 1,
          purpose: 'timeout',
          dueAt,
        };
        await scheduler.schedule([a]);
        expect(jest.getTimerCount()).toBe(1);

        await jest.advanceTimersByTimeAsync(HOLD_MS - 1);
        expect(inner.calls).toEqual([]);
        expect(scheduler.held).toBe(1);

        await jest.advanceTimersByTimeAsync(HOLD_MS);
        expect(inner.calls).toEqual([{ op: 'schedule', timers: [a] }]);
        expect(scheduler.held).toBe(0);
        // Nothing held: no tick is left running.
        expect(jest.getTimerCount()).toBe(0);
        await scheduler.close();
      } finally {
        jest.useRealTimers();
      }
    });

    it('retries a failed automatic hand-over on a later tick', async () => {
      jest.useFakeTimers({ now: new Date('2030-01-01T00:00:00.000Z') });
      try {
        const inner = new RecordingScheduler();
        const scheduler = new DeferredTimerScheduler({
          inner,
          holdMs: HOLD_MS,
          clock: { now: () => new Date() },
        });
        const a: SagaTimer = {
          timerId: 'saga-a.step.f.1.timeout',
          sagaId: 'saga-a',
          step: 'step',
          direction: 'forward',
          attempt: 1,
          purpose: 'timeout',
          dueAt: new Date(Date.now() + 10_000).toISOString(),
        };
        inner.failNext(new Error('redis down'));
        await scheduler.schedule([a]);

        await jest.advanceTimersByTimeAsync(2 * HOLD_MS);

        expect(inner.scheduled()).toEqual([[a.timerId], [a.timerId]]);
        expect(scheduler.held).toBe(0);
        expect(jest.getTimerCount()).toBe(0);
        await scheduler.close();
      } finally {
        jest.useRealTimers();
      }
    });
  });

  describe('close', () => {
    it('takes over the timers of a hand-over in progress that fails, and still closes the inner one', async () => {
      const { scheduler, inner, timer, clock } = setup();
      const a = timer('a', 5000);
      await scheduler.schedule([a]);
      clock.advance(1000);
      const b = timer('b', 5000);
      await scheduler.schedule([b]);
      clock.advance(1000);
      const handOver = inner.holdNext();
      const flushing = scheduler.flushDue();
      const closing = scheduler.close();
      handOver.reject(new Error('redis down'));
      await flushing;
      await closing;

      // a's first hand-over failed; the closing one hands a and b over together.
      expect(inner.scheduled().map((ids) => [...ids].sort())).toEqual([
        [a.timerId],
        [a.timerId, b.timerId].sort(),
      ]);
      expect(inner.calls.at(-1)).toEqual({ op: 'close' });
      expect(scheduler.held).toBe(0);
    });

    it('an automatic hand-over failing while it closes rejects nothing unhandled', async () => {
      const unhandled: unknown[] = [];
      const listener = (reason: unknown) => unhandled.push(reason);
      process.on('unhandledRejection', listener);
      jest.useFakeTimers({ now: new Date('2030-01-01T00:00:00.000Z') });
      try {
        const inner = new RecordingScheduler();
        const scheduler = new DeferredTimerScheduler({
          inner,
          holdMs: HOLD_MS,
          clock: { now: () => new Date() },
        });
        const x: SagaTimer = {
          timerId: 'saga-x.step.f.1.timeout',
          sagaId: 'saga-x',
          step: 'step',
          direction: 'forward',
          attempt: 1,
          purpose: 'timeout',
          dueAt: new Date(Date.now() + 10_000).toISOString(),
        };
        await scheduler.schedule([x]);
        const handOver = inner.holdNext();
        await jest.advanceTimersByTimeAsync(HOLD_MS);
        const closing = scheduler.close();
        handOver.reject(new Error('redis down'));
        await closing;

        expect(inner.scheduled()).toEqual([[x.timerId], [x.timerId]]);
        expect(inner.calls.at(-1)).toEqual({ op: 'close' });
      } finally {
        jest.useRealTimers();
      }
      await new Promise((resolve) => setImmediate(resolve));
      process.off('unhandledRejection', listener);
      expect(unhandled).toEqual([]);
    });

    it('hands every held timer over in one call, whatever its hold, then closes the inner scheduler', async () => {
      const { scheduler, inner, timer, clock } = setup();
      const a = timer('a', 5000);
      clock.advance(1000);
      const b = timer('b', 5000);
      await scheduler.schedule([a]);
      await scheduler.schedule([b]);

      await scheduler.close();

      expect(inner.calls).toEqual([{ op: 'schedule', timers: [a, b] }, { op: 'close' }]);
      expect(scheduler.held).toBe(0);
    });

    it('with nothing held only closes the inner scheduler', async () => {
      const { scheduler, inner } = setup();
      await scheduler.close();
      expect(inner.calls).toEqual([{ op: 'close' }]);
    });

    it('works with an inner scheduler that cannot be closed', async () => {
      const calls: string[][] = [];
      const clock = new ManualClock('2030-01-01T00:00:00.000Z');
      const scheduler = new DeferredTimerScheduler({
        inner: {
          schedule: (timers) => {
            calls.push(timers.map((t) => t.timerId));
            return Promise.resolve();
          },
          cancel: () => Promise.resolve(),
        },
        clock,
      });
      await scheduler.schedule([
        {
          timerId: 'saga-a.step.f.1.timeout',
          sagaId: 'saga-a',
          step: 'step',
          direction: 'forward',
          attempt: 1,
          purpose: 'timeout',
          dueAt: '2030-01-01T01:00:00.000Z',
        },
      ]);

      await expect(scheduler.close()).resolves.toBeUndefined();
      expect(calls).toEqual([['saga-a.step.f.1.timeout']]);
    });

    it('rejects with the hand-over failure, and still closes the inner scheduler', async () => {
      const { scheduler, inner, timer } = setup();
      const a = timer('a', 5000);
      await scheduler.schedule([a]);
      const failure = new Error('redis down');
      inner.failNext(failure);

      await expect(scheduler.close()).rejects.toBe(failure);

      expect(inner.calls).toEqual([{ op: 'schedule', timers: [a] }, { op: 'close' }]);
    });

    it('after close, every timer goes straight to the inner scheduler', async () => {
      const { scheduler, inner, timer } = setup();
      await scheduler.close();
      const far = timer('far', 60_000);

      await scheduler.schedule([far]);
      await scheduler.cancel([far.timerId]);

      expect(inner.calls).toEqual([
        { op: 'close' },
        { op: 'schedule', timers: [far] },
        { op: 'cancel', timerIds: [far.timerId] },
      ]);
      expect(scheduler.held).toBe(0);
    });
  });

  describe('options', () => {
    const inner = new RecordingScheduler();

    it('rejects a bad holdMs, inner or clock, naming the field', () => {
      expect(() => new DeferredTimerScheduler({ inner, holdMs: 0 })).toThrow('holdMs=0');
      expect(() => new DeferredTimerScheduler({ inner, holdMs: 1.5 })).toThrow('holdMs=1.5');
      expect(
        () => new DeferredTimerScheduler({ inner: { schedule: inner.schedule } as never }),
      ).toThrow('inner');
      expect(() => new DeferredTimerScheduler({ inner, clock: {} as never })).toThrow('clock');
    });

    it('holds for 2000 ms by default', async () => {
      const clock = new ManualClock('2030-01-01T00:00:00.000Z');
      const recording = new RecordingScheduler();
      const scheduler = new DeferredTimerScheduler({ inner: recording, clock });
      const at = (inMs: number): SagaTimer => ({
        timerId: `saga-${inMs}.step.f.1.timeout`,
        sagaId: `saga-${inMs}`,
        step: 'step',
        direction: 'forward',
        attempt: 1,
        purpose: 'timeout',
        dueAt: new Date(clock.now().getTime() + inMs).toISOString(),
      });

      await scheduler.schedule([at(2000), at(2001)]);

      expect(recording.scheduled()).toEqual([['saga-2000.step.f.1.timeout']]);
      expect(scheduler.held).toBe(1);
      await scheduler.close();
    });
  });
});
