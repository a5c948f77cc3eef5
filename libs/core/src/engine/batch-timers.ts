import { isInputIgnored, type SagaDecision } from '../decider/saga-decision';
import { type SagaTimer } from '../model/saga-timer';

/**
 * The timers of a batch of decisions, netted: a timer scheduled and cancelled within the
 * batch is neither (should it have been queued before — an ignored input re-arms the
 * pending timers, as `SagaEngine.handleReply` does — it fires later and is ignored as
 * stale).
 */
export class BatchTimers {
  readonly #schedule = new Map<string, SagaTimer>();
  readonly #cancel = new Map<string, { readonly timerId: string; readonly sagaId: string }>();

  /** Adds a decision's timers, in the order the decisions were made. */
  add(decision: SagaDecision): void {
    const { state, timers } = decision;
    for (const timerId of timers.cancel) {
      if (this.#schedule.delete(timerId)) continue;
      this.#cancel.set(timerId, { timerId, sagaId: state.sagaId });
    }
    const schedule = isInputIgnored(decision) ? state.pendingTimers : timers.schedule;
    for (const timer of schedule) {
      this.#cancel.delete(timer.timerId);
      this.#schedule.set(timer.timerId, timer);
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
