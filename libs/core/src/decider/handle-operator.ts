import { type StepDefinition } from '../definition/saga-definition';
import { IllegalSagaActionError } from '../errors/errors';
import { type StepState, type StepStatus } from '../model/saga-state';
import { isTerminalStatus, SagaStatus } from '../model/saga-status';
import { advanceCompensation, startCompensation } from './compensation';
import { type DecisionBuilder } from './decision-builder';
import { pivotOf } from './definition-lookup';
import { type OperatorInput, type RedeliveryInput } from './saga-input';

const ACTIONS: ReadonlySet<string> = new Set([
  'retry-step',
  'abort',
  'resolve',
  'retry-compensation',
]);

const REDELIVERY_KINDS: ReadonlySet<string> = new Set([
  'dead-letter-replay',
  'event-process-retry',
]);

/**
 * Applies an operator action after recording it (`OperatorActionRecorded`, with the actor
 * and the reason).
 *
 * @throws IllegalSagaActionError saying why the action is not allowed now.
 */
export function handleOperator(b: DecisionBuilder, input: OperatorInput): void {
  const { state, definition } = b;
  const { action, actor, reason } = input;
  const refuse = (why: string): IllegalSagaActionError =>
    new IllegalSagaActionError(`cannot ${action} saga '${state.sagaId}': ${why}`, {
      context: {
        sagaId: state.sagaId,
        sagaType: state.sagaType,
        ...(input.step === undefined ? {} : { step: input.step }),
      },
    });
  if (!ACTIONS.has(action)) throw refuse('unknown operator action');
  if (!isFilled(actor)) throw refuse('the actor must not be empty');
  if (!isFilled(reason)) throw refuse('the reason must not be empty');
  if (input.step !== undefined && !definition.steps.has(input.step)) {
    throw refuse(`the definition has no step '${input.step}'`);
  }
  if (isTerminalStatus(state.status)) throw refuse(`the saga has ended (${state.status})`);

  /** The targeted steps (or every step) whose status is one of `statuses`, in definition order. */
  const targets = (statuses: readonly StepStatus[]): [StepDefinition, StepState][] =>
    definition.stepOrder.flatMap((name) => {
      const step = definition.steps.get(name);
      const stepState = state.steps[name];
      const wanted = input.step === undefined || input.step === name;
      return step !== undefined &&
        stepState !== undefined &&
        wanted &&
        statuses.includes(stepState.status)
        ? [[step, stepState] as [StepDefinition, StepState]]
        : [];
    });
  const record = (): void => {
    b.emit({ type: 'OperatorActionRecorded', action, step: input.step ?? null, actor, reason });
  };

  switch (action) {
    case 'retry-step': {
      if (state.status !== SagaStatus.Running) {
        throw refuse(
          `it is ${state.status}: only the forward steps of a RUNNING saga can be retried`,
        );
      }
      const found = targets(['RUNNING', 'WAITING_RETRY']);
      // A RUNNING saga always has a step in flight or waiting: only a targeted step can miss.
      if (found.length === 0) {
        throw refuse(`step '${String(input.step)}' is neither in flight nor waiting for a retry`);
      }
      record();
      for (const [step, stepState] of found) b.dispatchForward(step, stepState.attempt + 1);
      return;
    }
    case 'abort': {
      if (input.step !== undefined) throw refuse('abort applies to the whole saga, not to a step');
      if (state.status !== SagaStatus.Running) {
        throw refuse(`it is ${state.status}: only a RUNNING saga can be aborted`);
      }
      const pivot = pivotOf(definition);
      if (pivot !== null && state.steps[pivot.name] !== undefined) {
        throw refuse(`the pivot '${pivot.name}' was dispatched: it is past the point of no return`);
      }
      record();
      startCompensation(b, { kind: 'aborted', actor, reason });
      return;
    }
    case 'retry-compensation':
    case 'resolve': {
      if (state.status !== SagaStatus.CompensationFailed) {
        throw refuse(`it is ${state.status}: only a saga parked in COMPENSATION_FAILED allows it`);
      }
      const found = targets(['COMPENSATION_FAILED']);
      // A parked saga always has a failed compensation: only a targeted step can miss.
      if (found.length === 0) {
        throw refuse(`step '${String(input.step)}' has no failed compensation`);
      }
      record();
      for (const [step, stepState] of found) {
        if (action === 'retry-compensation') {
          b.dispatchCompensation(step, stepState.compensationAttempt + 1);
        } else {
          b.emit({
            type: 'StepCompensated',
            step: step.name,
            attempt: stepState.compensationAttempt,
            replyId: null,
          });
        }
      }
      if (action === 'resolve') advanceCompensation(b);
      return;
    }
  }
}

/**
 * Records an operator's redelivery of one of the saga's messages (`MessageRedelivered`).
 * Allowed in every state, also after the saga ended: it records what was done to a message
 * and decides nothing about the saga.
 *
 * @throws IllegalSagaActionError when a field is missing or does not fit the kind.
 */
export function handleRedelivery(b: DecisionBuilder, input: RedeliveryInput): void {
  const { state } = b;
  const { kind, consumer, messageId, deadLetterId, actor, reason } = input;
  const refuse = (why: string): IllegalSagaActionError =>
    new IllegalSagaActionError(`cannot record a redelivery in saga '${state.sagaId}': ${why}`, {
      context: { sagaId: state.sagaId, sagaType: state.sagaType },
    });
  if (!REDELIVERY_KINDS.has(kind)) throw refuse('unknown redelivery kind');
  if (!isFilled(consumer)) throw refuse('the consumer must not be empty');
  if (messageId !== null && !isFilled(messageId)) {
    throw refuse('the message id must be null or not empty');
  }
  if (kind === 'dead-letter-replay' ? !isFilled(deadLetterId) : deadLetterId !== null) {
    throw refuse(
      kind === 'dead-letter-replay'
        ? 'a dead-letter replay needs the dead letter id'
        : 'an EventProcess retry has no dead letter id',
    );
  }
  if (!isFilled(actor)) throw refuse('the actor must not be empty');
  if (!isFilled(reason)) throw refuse('the reason must not be empty');
  b.emit({ type: 'MessageRedelivered', kind, consumer, messageId, deadLetterId, actor, reason });
}

function isFilled(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}
