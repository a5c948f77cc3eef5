interface Waiter {
  readonly wakeable: boolean;
  readonly resolve: () => void;
}

/**
 * A timed wait that a wake-up can cut short, with coalescing: wake-ups that arrive while
 * nobody waits are remembered as one, so the next wakeable wait returns at once. However
 * many commits wake a relay during a pass, it runs exactly one extra pass.
 */
export class WakeSignal {
  #pending = false;
  #interrupted = false;
  #waiter: Waiter | undefined;

  /** Wakes the current wakeable wait, or the next one if nobody waits. */
  wake(): void {
    this.#pending = true;
    if (this.#waiter?.wakeable === true) this.#waiter.resolve();
  }

  /** Forgets earlier wake-ups: called when a pass starts, since it will see their work. */
  clear(): void {
    this.#pending = false;
  }

  /**
   * Ends the current wait, wakeable or not, and every later one until {@link resume}: a
   * `stop()` that arrives during a pass must not be followed by a full poll interval.
   */
  interrupt(): void {
    this.#interrupted = true;
    this.#waiter?.resolve();
  }

  /** Makes waits wait again after {@link interrupt}. */
  resume(): void {
    this.#interrupted = false;
  }

  /**
   * Resolves after `ms`, or earlier on (or after) {@link interrupt}, or — when `wakeable` — on
   * {@link wake} (immediately if a wake-up is pending).
   */
  wait(ms: number, wakeable: boolean): Promise<void> {
    if (this.#interrupted || (wakeable && this.#pending)) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        if (this.#waiter === waiter) this.#waiter = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      const waiter: Waiter = { wakeable, resolve: done };
      this.#waiter = waiter;
    });
  }
}
