import { DEFAULT_RETRY_POLICY, retryDelayMs } from '../definition/retry-policy';
import { type StepDefinition } from '../definition/saga-definition';
import { formatIssues } from '../errors/describe';
import { type JsonObject } from '../model/json';
import { type Direction } from '../model/saga-command';
import { SagaStatus } from '../model/saga-status';
import { type StepFailure } from '../model/step-failure';
import { advanceCompensation, startCompensation } from './compensation';
import { compensationOf, type DecisionBuilder } from './decision-builder';
import { continueAfterSuccess } from './forward-progress';
import { timerId } from './saga-ids';

/**
 * A forward attempt replied success: the reply is checked against the step's schema (a
 * rejected reply is a failed attempt), mapped into the data, and the saga moves on.
 */
export function forwardSucceeded(
  b: DecisionBuilder,
  step: StepDefinition,
  attempt: number,
  replyId: string,
  payload: JsonObject,
): void {
  let patch: JsonObject = {};
  if (step.reply !== null) {
    const { schema, map } = step.reply;
    const parsed = schema.safeParse(payload);
    if (!parsed.success) {
      const issues = formatIssues(parsed.error.issues);
      attemptFailed(b, step, 'forward', attempt, replyId, {
        kind: 'invalid-reply',
        code: 'INVALID_REPLY',
        message: issues.join('; '),
      });
      return;
    }
    const data = b.state.data;
    patch = b.runUserFunction(step, 'reply map', () => map(parsed.data, data));
  }
  b.emit({ type: 'StepSucceeded', step: step.name, attempt, replyId, patch });
  continueAfterSuccess(b, step);
}

/**
 * An attempt failed (failure reply, timeout, or invalid reply).
 *
 * Forward: a compensating saga gives the step up (nothing moves forward any more); a
 * retriable step is retried whatever the failure; a pivot that may have applied is retried
 * until a definitive reply settles it (see {@link pivotUnsettled}); otherwise a technical
 * failure, timeout or invalid reply is retried while attempts remain, and a business
 * failure or the last attempt fails the step, which starts compensation.
 *
 * Compensation: a timeout is retried until the participant answers (a slow participant is
 * not a failed compensation) and does not count against the budget; a technical failure
 * is retried until the policy's `maxAttempts` failures by reply; a business failure or
 * the budget's last technical failure parks the saga (`CompensationFailed`) — only a
 * definitive failure needs an operator.
 */
export function attemptFailed(
  b: DecisionBuilder,
  step: StepDefinition,
  direction: Direction,
  attempt: number,
  replyId: string | null,
  failure: StepFailure,
): void {
  b.emit({ type: 'AttemptFailed', step: step.name, direction, attempt, replyId, failure });
  if (direction === 'compensation') {
    const { retry } = compensationOf(b.definition, step);
    const stepState = b.state.steps[step.name];
    const attemptInBudget = attempt - (stepState?.compensationBudgetStart ?? attempt) + 1;
    // A timeout is no answer: the participant may only be slow (its late success still
    // settles the step), so it is retried at the capped back-off rather than parked, and
    // only failures by reply count against the budget.
    const failures = stepState?.compensationFailures ?? 1;
    const retried =
      failure.kind === 'timeout' || (failure.kind !== 'business' && failures < retry.maxAttempts);
    if (retried) {
      scheduleRetry(b, step, direction, attempt, attemptInBudget);
    } else {
      b.emit({ type: 'CompensationFailed', step: step.name, failure });
    }
    return;
  }
  if (b.state.status !== SagaStatus.Running) {
    b.emit({ type: 'StepFailed', step: step.name, failure });
    advanceCompensation(b);
    return;
  }
  const maxAttempts = (step.retry ?? DEFAULT_RETRY_POLICY).maxAttempts;
  const retried =
    step.kind === 'retriable' ||
    pivotUnsettled(b, step, failure) ||
    (failure.kind !== 'business' && attempt < maxAttempts);
  if (retried) {
    scheduleRetry(b, step, direction, attempt, attempt);
    return;
  }
  b.emit({ type: 'StepFailed', step: step.name, failure });
  startCompensation(b, { kind: 'step-failed', step: step.name, failure });
}

/**
 * The pivot is the point of no return. Once one of its attempts may have applied (it timed
 * out, or was superseded in flight), giving it up would compensate the earlier steps while
 * the pivot may stand — an inconsistency no compensation can repair. So such a pivot is
 * retried past `maxAttempts`, at the capped back-off, until the participant answers
 * definitively: success (it applied, once — participants answer a repeated step from its
 * stored result) or a business failure (it did not). Operators see the attempts climb.
 */
function pivotUnsettled(b: DecisionBuilder, step: StepDefinition, failure: StepFailure): boolean {
  return (
    step.kind === 'pivot' &&
    failure.kind !== 'business' &&
    (b.state.steps[step.name]?.mayHaveApplied ?? false)
  );
}

function scheduleRetry(
  b: DecisionBuilder,
  step: StepDefinition,
  direction: Direction,
  failedAttempt: number,
  attemptInBudget: number,
): void {
  const policy =
    direction === 'forward'
      ? (step.retry ?? DEFAULT_RETRY_POLICY)
      : compensationOf(b.definition, step).retry;
  const nextAttempt = failedAttempt + 1;
  const id = timerId(b.state.sagaId, step.name, direction, nextAttempt, 'retry');
  const dueAt = new Date(b.now.getTime() + retryDelayMs(policy, attemptInBudget, id)).toISOString();
  b.emit({ type: 'RetryScheduled', step: step.name, direction, nextAttempt, timerId: id, dueAt });
}
