import { IllegalSagaActionError } from '../errors/errors';
import { type ReplyInput } from '../model/reply-input';
import { type IgnoreReason } from '../model/saga-event';
import { type StepState, type StepStatus } from '../model/saga-state';
import { isTerminalStatus } from '../model/saga-status';
import { advanceCompensation } from './compensation';
import { attemptFailed, forwardSucceeded } from './attempt-outcome';
import { type DecisionBuilder } from './decision-builder';

/**
 * Forward statuses in which a success reply of any attempt settles the step: the attempt
 * in flight or waiting for a retry, or a step given up (`FAILED`) that in fact applied —
 * it is then compensated like any other applied step.
 */
const FORWARD_SETTLED_BY_SUCCESS: ReadonlySet<StepStatus> = new Set<StepStatus>([
  'RUNNING',
  'WAITING_RETRY',
  'FAILED',
]);

/** Compensation statuses in which a success reply of any attempt compensates the step. */
const COMPENSATION_SETTLED_BY_SUCCESS: ReadonlySet<StepStatus> = new Set<StepStatus>([
  'COMPENSATING',
  'COMPENSATION_WAITING_RETRY',
  'COMPENSATION_FAILED',
]);

/**
 * Applies a participant's reply.
 *
 * A success is definitive whatever attempt it answers: a participant applies a step once
 * and answers every later attempt of it from the stored result, so an older attempt's
 * success settles the step — forward: the step succeeded (or, given up already, it is
 * compensated); compensation: the step is compensated and the chain goes on, un-parking a
 * saga that parked while the reply was late. A failure only counts for the attempt in
 * flight: an older attempt's failure says nothing of the newer one. Anything else is
 * recorded as ignored.
 */
export function handleReply(b: DecisionBuilder, reply: ReplyInput): void {
  const { state } = b;
  if (reply.sagaId !== state.sagaId) {
    throw new IllegalSagaActionError(
      `a reply for saga '${reply.sagaId}' was given to saga '${state.sagaId}'`,
      { context: { sagaId: state.sagaId, step: reply.step, messageId: reply.replyId } },
    );
  }
  const ignore = (reason: IgnoreReason): void => {
    b.ignore('reply', reply.replyId, reply.step, reply.attempt, reason);
  };
  if (isTerminalStatus(state.status)) {
    ignore('saga-ended');
    return;
  }
  const step = b.definition.steps.get(reply.step);
  if (step === undefined) {
    ignore('unknown-step');
    return;
  }
  const stepState = state.steps[reply.step];
  const forward = reply.direction === 'forward';
  const dispatched =
    stepState === undefined ? 0 : forward ? stepState.attempt : stepState.compensationAttempt;
  if (stepState === undefined || reply.attempt < 1 || reply.attempt > dispatched) {
    ignore('not-awaited');
    return;
  }
  if (reply.outcome === 'success') {
    const settles = forward ? FORWARD_SETTLED_BY_SUCCESS : COMPENSATION_SETTLED_BY_SUCCESS;
    const inFlight = stepState.status === 'RUNNING' && reply.attempt === dispatched;
    // A reply the step's schema rejects counts as a failure, and only the attempt in
    // flight can fail: for any other attempt it is news of nothing.
    const rejected =
      forward && !inFlight && step.reply?.schema.safeParse(reply.payload).success === false;
    if (!settles.has(stepState.status) || rejected) {
      ignore(reply.attempt < dispatched ? 'stale-attempt' : 'duplicate');
    } else if (forward) {
      forwardSucceeded(b, step, reply.attempt, reply.replyId, reply.payload);
    } else {
      b.emit({
        type: 'StepCompensated',
        step: step.name,
        attempt: reply.attempt,
        replyId: reply.replyId,
      });
      advanceCompensation(b);
    }
    return;
  }
  const reason = whyFailureNotAwaited(stepState, forward, reply.attempt);
  if (reason !== null) {
    ignore(reason);
    return;
  }
  attemptFailed(b, step, reply.direction, reply.attempt, reply.replyId, reply.failure);
}

/** Null when the failure answers the attempt in flight; otherwise why it is ignored. */
function whyFailureNotAwaited(
  step: StepState,
  forward: boolean,
  attempt: number,
): IgnoreReason | null {
  const [current, inFlight] = forward
    ? [step.attempt, step.status === 'RUNNING']
    : [step.compensationAttempt, step.status === 'COMPENSATING'];
  if (attempt < current) return 'stale-attempt';
  return inFlight ? null : 'duplicate';
}
