import { IllegalSagaActionError } from '../errors/errors';
import { type Direction } from '../model/saga-command';
import {
  type CommandDispatched,
  type CompensationStarted,
  type SagaEvent,
  type SagaStarted,
} from '../model/saga-event';
import {
  type SagaFailureInfo,
  type SagaState,
  type StepState,
  type StepStatus,
} from '../model/saga-state';
import { SagaStatus } from '../model/saga-status';
import { type SagaTimer } from '../model/saga-timer';
import { timerId } from './saga-ids';

const ACTIVE_STATUSES: ReadonlySet<StepStatus> = new Set<StepStatus>([
  'RUNNING',
  'WAITING_RETRY',
  'COMPENSATING',
  'COMPENSATION_WAITING_RETRY',
]);

/**
 * Applies one event to a saga's state: the fold that rebuilds a saga from its stream. Pure
 * and total over valid streams; it needs no definition.
 *
 * @throws IllegalSagaActionError when the event cannot follow the state (a corrupt stream):
 * the first event is not `SagaStarted`, a second `SagaStarted`, or an event about a step
 * that was never dispatched.
 *
 * @example
 * ```ts
 * const state = events.reduce<SagaState | null>(evolve, null);
 * ```
 */
export function evolve(state: SagaState | null, event: SagaEvent): SagaState {
  if (event.type === 'SagaStarted') {
    if (state !== null) {
      throw corrupt(state, event, 'the saga was already started');
    }
    return started(event);
  }
  if (state === null) {
    throw new IllegalSagaActionError(
      `cannot apply ${event.type} to a saga that does not exist: the first event must be SagaStarted`,
    );
  }
  const next = apply(state, event);
  return {
    ...next,
    version: state.version + 1,
    updatedAt: event.at,
    activeSteps: Object.values(next.steps)
      .filter((step) => ACTIVE_STATUSES.has(step.status))
      .map((step) => step.name),
  };
}

/**
 * Folds a whole stream; null for an empty one.
 *
 * @example
 * ```ts
 * const state = foldEvents((await store.readStream(sagaId)).map((stored) => stored.event));
 * ```
 */
export function foldEvents(events: readonly SagaEvent[]): SagaState | null {
  return events.reduce<SagaState | null>(evolve, null);
}

function started(event: SagaStarted): SagaState {
  return {
    sagaId: event.sagaId,
    sagaType: event.sagaType,
    sagaVersion: event.sagaVersion,
    businessKey: event.businessKey,
    status: SagaStatus.Running,
    input: event.input,
    data: event.input,
    version: 1,
    steps: {},
    activeSteps: [],
    pendingTimers: [],
    failure: null,
    startedAt: event.at,
    updatedAt: event.at,
    endedAt: null,
  };
}

function apply(state: SagaState, event: Exclude<SagaEvent, SagaStarted>): SagaState {
  switch (event.type) {
    case 'CommandDispatched':
      return event.direction === 'forward'
        ? forwardDispatched(state, event)
        : compensationDispatched(state, event);
    case 'StepSucceeded':
      return {
        ...withStep(state, event, (step) => ({
          ...step,
          status: 'SUCCEEDED',
          mayHaveApplied: true,
        })),
        data: { ...state.data, ...event.patch },
        pendingTimers: withoutTimers(state, event.step, 'forward'),
      };
    case 'AttemptFailed':
      // The next event (RetryScheduled, StepFailed or CompensationFailed) sets the status.
      return {
        ...withStep(state, event, (step) => ({
          ...step,
          lastFailure: event.failure,
          mayHaveApplied:
            step.mayHaveApplied ||
            (event.direction === 'forward' && event.failure.kind === 'timeout'),
          compensationFailures:
            failuresOf(step) +
            (event.direction === 'compensation' && event.failure.kind !== 'timeout' ? 1 : 0),
        })),
        pendingTimers: withoutTimers(state, event.step, event.direction),
      };
    case 'RetryScheduled':
      return {
        ...withStep(state, event, (step) => ({
          ...step,
          status: event.direction === 'forward' ? 'WAITING_RETRY' : 'COMPENSATION_WAITING_RETRY',
        })),
        pendingTimers: [
          ...withoutTimers(state, event.step, event.direction),
          {
            timerId: event.timerId,
            sagaId: state.sagaId,
            step: event.step,
            direction: event.direction,
            attempt: event.nextAttempt,
            purpose: 'retry',
            dueAt: event.dueAt,
          },
        ],
      };
    case 'StepFailed':
      return {
        ...withStep(state, event, (step) => ({
          ...step,
          status: 'FAILED',
          lastFailure: event.failure,
        })),
        pendingTimers: withoutTimers(state, event.step, 'forward'),
      };
    case 'CompensationStarted':
      return compensationStarted(state, event);
    case 'StepCompensated':
      return leaveParkedIfResolved({
        ...withStep(state, event, (step) => ({ ...step, status: 'COMPENSATED' })),
        pendingTimers: withoutTimers(state, event.step, 'compensation'),
      });
    case 'CompensationFailed':
      return {
        ...withStep(state, event, (step) => ({
          ...step,
          status: 'COMPENSATION_FAILED',
          lastFailure: event.failure,
        })),
        status: SagaStatus.CompensationFailed,
        pendingTimers: withoutTimers(state, event.step, 'compensation'),
      };
    case 'SagaCompleted':
      return { ...state, status: SagaStatus.Completed, endedAt: event.at };
    case 'SagaCompensated':
      return { ...state, status: SagaStatus.Compensated, endedAt: event.at };
    case 'OperatorActionRecorded':
    case 'MessageRedelivered':
    case 'InputIgnored':
      return state;
  }
}

function forwardDispatched(state: SagaState, event: CommandDispatched): SagaState {
  const previous = state.steps[event.step];
  const step: StepState = {
    name: event.step,
    status: 'RUNNING',
    attempt: event.attempt,
    compensationAttempt: previous?.compensationAttempt ?? 0,
    compensationBudgetStart: previous?.compensationBudgetStart ?? 0,
    compensationFailures: previous === undefined ? 0 : failuresOf(previous),
    // An attempt superseded while in flight may still be applied: its outcome is unknown.
    mayHaveApplied: (previous?.mayHaveApplied ?? false) || previous?.status === 'RUNNING',
    lastFailure: previous?.lastFailure ?? null,
  };
  return {
    ...state,
    steps: { ...state.steps, [event.step]: step },
    pendingTimers: withTimeout(state, event),
  };
}

function compensationDispatched(state: SagaState, event: CommandDispatched): SagaState {
  return leaveParkedIfResolved({
    ...withStep(state, event, (step) => {
      // A first compensation, or an operator's retry of a failed one, opens a fresh budget.
      const sameBudget =
        step.status === 'COMPENSATING' || step.status === 'COMPENSATION_WAITING_RETRY';
      return {
        ...step,
        status: 'COMPENSATING',
        compensationAttempt: event.attempt,
        compensationBudgetStart: sameBudget ? step.compensationBudgetStart : event.attempt,
        compensationFailures: sameBudget ? failuresOf(step) : 0,
      };
    }),
    pendingTimers: withTimeout(state, event),
  });
}

function compensationStarted(state: SagaState, event: CompensationStarted): SagaState {
  // Pending forward retries are cancelled: once compensating, nothing moves forward.
  const steps = Object.fromEntries(
    Object.entries(state.steps).map(([name, step]) => [
      name,
      step.status === 'WAITING_RETRY' ? { ...step, status: 'FAILED' as const } : step,
    ]),
  );
  return {
    ...state,
    status: SagaStatus.Compensating,
    steps,
    failure: failureOf(event),
    pendingTimers: state.pendingTimers.filter(
      (timer) => !(timer.direction === 'forward' && timer.purpose === 'retry'),
    ),
  };
}

function failureOf(event: CompensationStarted): SagaFailureInfo {
  const { cause } = event;
  return cause.kind === 'step-failed'
    ? { step: cause.step, code: cause.failure.code, message: cause.failure.message }
    : { step: null, code: 'ABORTED', message: `aborted by ${cause.actor}: ${cause.reason}` };
}

/** A parked saga whose failed compensations were all retried or resolved compensates on. */
function leaveParkedIfResolved(state: SagaState): SagaState {
  const parked =
    state.status === SagaStatus.CompensationFailed &&
    !Object.values(state.steps).some((step) => step.status === 'COMPENSATION_FAILED');
  return parked ? { ...state, status: SagaStatus.Compensating } : state;
}

/** The step's compensation failures; 0 for a state stored before they were counted. */
function failuresOf(step: StepState): number {
  return (step as Partial<StepState>).compensationFailures ?? 0;
}

function withStep(
  state: SagaState,
  event: Exclude<SagaEvent, SagaStarted> & { readonly step: string },
  change: (step: StepState) => StepState,
): SagaState {
  const step = state.steps[event.step];
  if (step === undefined) {
    throw corrupt(state, event, `step '${event.step}' was never dispatched`);
  }
  return { ...state, steps: { ...state.steps, [event.step]: change(step) } };
}

function withoutTimers(state: SagaState, step: string, direction: Direction): SagaTimer[] {
  return state.pendingTimers.filter(
    (timer) => !(timer.step === step && timer.direction === direction),
  );
}

/** The step's older timers of that direction go; the new attempt's timeout comes. */
function withTimeout(state: SagaState, event: CommandDispatched): readonly SagaTimer[] {
  const kept = withoutTimers(state, event.step, event.direction);
  if (event.timeoutAt === null) return kept;
  return [
    ...kept,
    {
      timerId: timerId(state.sagaId, event.step, event.direction, event.attempt, 'timeout'),
      sagaId: state.sagaId,
      step: event.step,
      direction: event.direction,
      attempt: event.attempt,
      purpose: 'timeout',
      dueAt: event.timeoutAt,
    },
  ];
}

function corrupt(state: SagaState, event: SagaEvent, why: string): IllegalSagaActionError {
  return new IllegalSagaActionError(
    `cannot apply ${event.type} to saga '${state.sagaId}' at version ${state.version}: ${why}`,
    { context: { sagaId: state.sagaId, sagaType: state.sagaType } },
  );
}
