import { type SagaCommand } from '../model/saga-command';
import { type SagaEvent } from '../model/saga-event';
import { type SagaState } from '../model/saga-state';
import { type SagaTimer } from '../model/saga-timer';

/**
 * What `decide` returns: the events to append (never empty), the commands to put in the
 * outbox, the timers to schedule and cancel, and the state after the events.
 */
export interface SagaDecision {
  readonly events: readonly SagaEvent[];
  /** One per `CommandDispatched` event, in the same order. */
  readonly commands: readonly SagaCommand[];
  readonly timers: {
    /** Timers that became pending (they are in `state.pendingTimers`). */
    readonly schedule: readonly SagaTimer[];
    /** Ids of timers that are no longer pending; never the timer being handled. */
    readonly cancel: readonly string[];
  };
  /** The state after folding `events` onto the given state with `evolve`. */
  readonly state: SagaState;
}

/**
 * True when the decision only records an ignored input (a duplicate or stale reply, a late
 * timer, anything after the saga ended): one `InputIgnored` event, no command, no timer.
 * A runtime may append that event for the audit trail, or skip it.
 *
 * @example
 * ```ts
 * const decision = decide(definition, state, reply, clock.now());
 * if (isInputIgnored(decision)) logger.debug('ignored', { reason: decision.events[0] });
 * ```
 */
export function isInputIgnored(decision: SagaDecision): boolean {
  return decision.events.length === 1 && decision.events[0]?.type === 'InputIgnored';
}
