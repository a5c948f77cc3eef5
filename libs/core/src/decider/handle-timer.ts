import { IllegalSagaActionError } from '../errors/errors';
import { type IgnoreReason } from '../model/saga-event';
import { isTerminalStatus } from '../model/saga-status';
import { type SagaTimer } from '../model/saga-timer';
import { attemptFailed } from './attempt-outcome';
import { type DecisionBuilder } from './decision-builder';

/**
 * Applies a timer that is still pending: a timeout fails its attempt, a retry timer
 * dispatches the next attempt. Any other timer (cancelled, already handled, for an
 * attempt that was since replied to) is recorded as ignored.
 */
export function handleTimer(b: DecisionBuilder, timer: SagaTimer): void {
  const { state } = b;
  if (timer.sagaId !== state.sagaId) {
    throw new IllegalSagaActionError(
      `timer '${timer.timerId}' of saga '${timer.sagaId}' was given to saga '${state.sagaId}'`,
      { context: { sagaId: state.sagaId, step: timer.step } },
    );
  }
  const ignore = (reason: IgnoreReason): void => {
    b.ignore('timer', timer.timerId, timer.step, timer.attempt, reason);
  };
  if (isTerminalStatus(state.status)) {
    ignore('saga-ended');
    return;
  }
  const step = b.definition.steps.get(timer.step);
  if (step === undefined) {
    ignore('unknown-step');
    return;
  }
  // The state's own copy is authoritative: the id encodes step, direction and attempt.
  const pending = state.pendingTimers.find((candidate) => candidate.timerId === timer.timerId);
  if (pending === undefined) {
    const stepState = state.steps[timer.step];
    const current =
      timer.direction === 'forward' ? stepState?.attempt : stepState?.compensationAttempt;
    ignore(current !== undefined && timer.attempt < current ? 'stale-attempt' : 'not-awaited');
    return;
  }
  if (pending.purpose === 'timeout') {
    attemptFailed(b, step, pending.direction, pending.attempt, null, {
      kind: 'timeout',
      code: 'TIMEOUT',
      message: `no reply to attempt ${pending.attempt} by ${pending.dueAt}`,
    });
  } else if (pending.direction === 'forward') {
    b.dispatchForward(step, pending.attempt);
  } else {
    b.dispatchCompensation(step, pending.attempt);
  }
}
