import {
  checkOptions,
  type Clock,
  describeError,
  hasMethods,
  isPositiveInteger,
  type Logger,
  noopLogger,
  type SagaTimer,
  type Scheduler,
  systemClock,
} from '@sagaflow/core';

/** Options of {@link DeferredTimerScheduler}. */
export interface DeferredTimerSchedulerOptions {
  /** The durable scheduler timers are handed to once held long enough: the `BullTimerScheduler`. Required. */
  readonly inner: Scheduler & { close?(): Promise<void> };
  /**
   * How long a new timer is held in memory before the inner scheduler gets it, in ms. Most
   * step timeouts are cancelled well within it (the reply came); a timer due sooner than
   * this is handed over at once. @defaultValue `2000`
   */
  readonly holdMs?: number;
  /** @defaultValue the system clock */
  readonly clock?: Clock;
  /** Logs a failed hand-over (retried on the next tick). @defaultValue `noopLogger` */
  readonly logger?: Logger;
}

interface Held {
  readonly timer: SagaTimer;
  /** When the hold ends, ms since the epoch. */
  readonly until: number;
}

/**
 * A write-behind buffer in front of the durable timer queue. A step timeout is set when a
 * command is dispatched and, nearly always, cancelled when the reply comes a few hundred
 * milliseconds later: queueing it in BullMQ and removing it again costs two Lua scripts
 * and about twenty Redis commands for a timer that never fires. Held in memory first, a
 * timer cancelled within `holdMs` never reaches Redis; one still pending after it is
 * handed to the inner scheduler (with the delay left), several at once.
 *
 * What a crash loses is a held timer, never a saga: every pending timer is part of the
 * saga's state in MySQL (`pendingTimers`), which start-up recovery and reconciliation
 * schedule again. A timer cancelled while held but also queued before (re-armed by
 * recovery) still fires, and the decider ignores it as stale. {@link close} hands every
 * held timer over, so a graceful stop loses nothing.
 *
 * @example
 * ```ts
 * const scheduler = new DeferredTimerScheduler({ inner: new BullTimerScheduler({ ... }) });
 * const engine = new SagaEngine({ scheduler, ... });
 * // on shutdown
 * await scheduler.close();
 * ```
 */
export class DeferredTimerScheduler implements Scheduler {
  readonly #inner: Scheduler & { close?(): Promise<void> };
  readonly #holdMs: number;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #held = new Map<string, Held>();
  /** Ids of the timers of the hand-over in progress. */
  readonly #handingOver = new Set<string>();
  #ticker: NodeJS.Timeout | null = null;
  #flushing: Promise<void> | null = null;
  #closed = false;

  constructor(options: DeferredTimerSchedulerOptions) {
    this.#inner = options.inner;
    this.#holdMs = options.holdMs ?? 2000;
    this.#clock = options.clock ?? systemClock;
    this.#logger = (options.logger ?? noopLogger).child({ component: 'deferred-timers' });
    checkOptions('DeferredTimerScheduler', [
      ['inner', '[scheduler]', hasMethods(this.#inner, ['schedule', 'cancel']), 'a Scheduler'],
      ['holdMs', this.#holdMs, isPositiveInteger(this.#holdMs), 'an integer > 0'],
      ['clock', '[value]', hasMethods(this.#clock, ['now']), 'a Clock'],
    ]);
  }

  /** Timers held in memory now (not yet handed to the inner scheduler). */
  get held(): number {
    return this.#held.size;
  }

  /**
   * Holds the timers due later than `holdMs` from now; hands the others to the inner
   * scheduler at once (after {@link close}, all of them).
   * @throws what the inner scheduler throws for the timers handed over at once.
   */
  async schedule(timers: readonly SagaTimer[]): Promise<void> {
    const now = this.#clock.now().getTime();
    const immediate: SagaTimer[] = [];
    for (const timer of timers) {
      if (this.#closed || Date.parse(timer.dueAt) - now <= this.#holdMs) immediate.push(timer);
      else this.#held.set(timer.timerId, { timer, until: now + this.#holdMs });
    }
    if (this.#held.size > 0) this.#tick();
    if (immediate.length > 0) await this.#inner.schedule(immediate);
  }

  /**
   * Drops the held timers among the ids; asks the inner scheduler to cancel the others.
   * @throws what the inner scheduler throws.
   */
  async cancel(timerIds: readonly string[]): Promise<void> {
    const handedOver = timerIds.filter((timerId) => !this.#held.delete(timerId));
    // One being handed over right now is not held again should that hand-over fail.
    for (const timerId of handedOver) this.#handingOver.delete(timerId);
    if (handedOver.length > 0) await this.#inner.cancel(handedOver);
  }

  /**
   * Hands the timers whose hold has ended to the inner scheduler, in one call; runs by
   * itself every quarter of `holdMs` while timers are held. A failure keeps them held for
   * the next try. Resolves once the hand-over in progress (if any) is done.
   */
  flushDue(): Promise<void> {
    this.#flushing ??= this.#flush(this.#clock.now().getTime()).finally(() => {
      this.#flushing = null;
    });
    return this.#flushing;
  }

  /**
   * Stops holding: every held timer is handed over, and later ones go straight through;
   * then closes the inner scheduler if it can be closed.
   * @throws what the inner scheduler throws (the timers it refused are lost from Redis, not
   *   from MySQL: recovery schedules them again).
   */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#ticker !== null) clearTimeout(this.#ticker);
    this.#ticker = null;
    try {
      // A hand-over in progress that fails holds its timers again: the last one takes them.
      await this.#flushing;
      await this.#flush(Number.POSITIVE_INFINITY, true);
    } finally {
      await this.#inner.close?.();
    }
  }

  async #flush(until: number, last = false): Promise<void> {
    const due = [...this.#held.values()].filter((h) => h.until <= until).map((h) => h.timer);
    if (due.length === 0) return;
    for (const timer of due) {
      this.#held.delete(timer.timerId);
      this.#handingOver.add(timer.timerId);
    }
    try {
      await this.#inner.schedule(due);
    } catch (error: unknown) {
      // Held again for the next try, unless cancelled meanwhile.
      const now = this.#clock.now().getTime();
      for (const timer of due) {
        if (this.#handingOver.has(timer.timerId)) {
          this.#held.set(timer.timerId, { timer, until: now });
        }
      }
      if (last) throw error;
      this.#logger.warn('handing held timers to the queue failed; retrying', {
        timers: due.length,
        error: describeError(error),
      });
    } finally {
      for (const timer of due) this.#handingOver.delete(timer.timerId);
    }
  }

  #tick(): void {
    if (this.#ticker !== null || this.#closed) return;
    this.#ticker = setTimeout(
      () => {
        this.#ticker = null;
        void this.flushDue().finally(() => {
          if (this.#held.size > 0) this.#tick();
        });
      },
      Math.max(1, Math.floor(this.#holdMs / 4)),
    );
    this.#ticker.unref();
  }
}
