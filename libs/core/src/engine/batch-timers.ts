import { isInputIgnored, type SagaDecision } from '../decider/saga-decision';
import { type SagaTimer } from '../model/saga-timer';

/**
 * The timers of a batch of decisions, netted: a timer a decision of the batch set and a
 * later one cleared is neither scheduled nor cancelled. An ignored input re-arms the saga's
 * pending timers (scheduling is idempotent per timer id), as `SagaEngine.handleReply` does;
 * those may be queued already, so clearing one later in the batch still cancels it.
 */
export class BatchTimers {
  readonly #schedule = new Map<string, SagaTimer>();
  /** Ids of timers first set by a decision of this batch: never queued before it. */
  readonly #new = new Set<string>();
  readonly #cancel = new Map<string, { readonly timerId: string; readonly sagaId: string }>();

  /** Adds a decision's timers, in the order the decisions were made. */
  add(decision: SagaDecision): void {
    const { state, timers } = decision;
    for (const timerId of timers.cancel) {
      this.#schedule.delete(timerId);
      if (this.#new.delete(timerId)) continue;
      this.#cancel.set(timerId, { timerId, sagaId: state.sagaId });
    }
    const rearm = isInputIgnored(decision);
    for (const timer of rearm ? state.pendingTimers : timers.schedule) {
      this.#cancel.delete(timer.timerId);
      this.#schedule.set(timer.timerId, timer);
      if (!rearm) this.#new.add(timer.timerId);
    }
  }

  /** What to cancel and what to schedule for the whole batch. */
  net(): {
    readonly cancel: readonly { readonly timerId: string; readonly sagaId: string }[];
    readonly schedule: readonly SagaTimer[];
  } {
    return { cancel: [...this.#cancel.values()], schedule: [...this.#schedule.values()] };
  }
}
