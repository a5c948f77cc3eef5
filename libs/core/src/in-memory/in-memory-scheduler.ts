import { checkId, checkTime } from '../errors/validation';
import { type SagaTimer } from '../model/saga-timer';
import { type Scheduler } from '../ports/scheduler';
import { cloneJson, promiseOf } from './adapter-semantics';

/**
 * Timers in memory. It fires nothing by itself: the runtime asks for the timers due at a
 * time ({@link takeDue}) and hands them to `SagaEngine.handleTimer`. Scheduling an id that
 * is already pending keeps the first timer, so re-arming is harmless.
 *
 * @example
 * ```ts
 * const scheduler = new InMemoryScheduler();
 * await scheduler.schedule([timer]);
 * for (const due of scheduler.takeDue(clock.now())) await engine.handleTimer(due);
 * ```
 */
export class InMemoryScheduler implements Scheduler {
  readonly #timers = new Map<string, SagaTimer>();

  schedule(timers: readonly SagaTimer[]): Promise<void> {
    return promiseOf(() => {
      for (const timer of timers) {
        checkId('timerId', timer.timerId);
        checkTime('dueAt', timer.dueAt);
      }
      for (const timer of timers) {
        if (!this.#timers.has(timer.timerId)) this.#timers.set(timer.timerId, cloneJson(timer));
      }
    });
  }

  cancel(timerIds: readonly string[]): Promise<void> {
    for (const id of timerIds) this.#timers.delete(id);
    return Promise.resolve();
  }

  /** Pending timers due at or before `now`, earliest first (ties by id). */
  dueTimers(now: Date): readonly SagaTimer[] {
    const nowMs = checkTime('now', now);
    return this.pending().filter((timer) => Date.parse(timer.dueAt) <= nowMs);
  }

  /** Removes and returns the timers due at or before `now`, earliest first. */
  takeDue(now: Date): readonly SagaTimer[] {
    const due = this.dueTimers(now);
    for (const timer of due) this.#timers.delete(timer.timerId);
    return due;
  }

  /** Every pending timer, earliest first (ties by id). */
  pending(): readonly SagaTimer[] {
    return [...this.#timers.values()]
      .sort(
        (a, b) =>
          Date.parse(a.dueAt) - Date.parse(b.dueAt) ||
          (a.timerId < b.timerId ? -1 : a.timerId > b.timerId ? 1 : 0),
      )
      .map((timer) => cloneJson(timer));
  }

  /** When the earliest pending timer is due, or null when none is pending. */
  nextDueAt(): Date | null {
    const [first] = this.pending();
    return first === undefined ? null : new Date(first.dueAt);
  }
}
