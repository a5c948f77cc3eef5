import { IllegalSagaActionError } from '../errors/errors';
import { type Direction } from '../model/direction';
import { type ReplyInput } from '../model/reply-input';
import { type IgnoreReason } from '../model/saga-event';
import { type StepState } from '../model/saga-state';
import { isTerminalStatus } from '../model/saga-status';
import { advanceCompensation } from './compensation';
import { attemptFailed, forwardSucceeded } from './attempt-outcome';
import { type DecisionBuilder } from './decision-builder';

/**
 * Applies a participant's reply if it answers the attempt in flight of that step and
 * direction; otherwise records it as ignored.
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
  const reason = whyNotAwaited(state.steps[reply.step], reply.direction, reply.attempt);
  if (reason !== null) {
    ignore(reason);
    return;
  }
  if (reply.direction === 'forward') {
    if (reply.outcome === 'success') {
      forwardSucceeded(b, step, reply.attempt, reply.replyId, reply.payload);
    } else {
      attemptFailed(b, step, 'forward', reply.attempt, reply.replyId, reply.failure);
    }
  } else if (reply.outcome === 'success') {
    b.emit({
      type: 'StepCompensated',
      step: step.name,
      attempt: reply.attempt,
      replyId: reply.replyId,
    });
    advanceCompensation(b);
  } else {
    attemptFailed(b, step, 'compensation', reply.attempt, reply.replyId, reply.failure);
  }
}

/** Null when `attempt` of that direction is in flight; otherwise why the reply is ignored. */
function whyNotAwaited(
  step: StepState | undefined,
  direction: Direction,
  attempt: number,
): IgnoreReason | null {
  if (step === undefined) return 'not-awaited';
  const [current, inFlight] =
    direction === 'forward'
      ? [step.attempt, step.status === 'RUNNING']
      : [step.compensationAttempt, step.status === 'COMPENSATING'];
  if (attempt > current) return 'not-awaited';
  if (attempt < current) return 'stale-attempt';
  return inFlight ? null : 'duplicate';
}
