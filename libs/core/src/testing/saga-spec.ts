import { decide } from '../decider/decide';
import { foldEvents } from '../decider/evolve';
import { type SagaDecision } from '../decider/saga-decision';
import { commandMessageId } from '../decider/saga-ids';
import {
  type OperatorInput,
  type RedeliveryInput,
  type SagaInput,
  type StartInput,
  type TimerInput,
} from '../decider/saga-input';
import { type AnySagaDefinition } from '../definition/saga-definition';
import { type JsonObject } from '../model/json';
import { type ReplyFailure, type ReplyInput } from '../model/reply-input';
import { type Direction } from '../model/saga-command';
import { type OperatorActionName, type SagaEvent } from '../model/saga-event';
import { type SagaState } from '../model/saga-state';
import { type SagaStatus } from '../model/saga-status';
import { type SagaTimer } from '../model/saga-timer';

/** The time `when` and `givenInputs` use unless told otherwise: 2030-01-01T00:00:00Z. */
export const SPEC_EPOCH: Date = new Date(Date.UTC(2030, 0, 1));

/** An input and the time it is decided at. */
export interface TimedInput {
  readonly input: SagaInput;
  readonly at: Date;
}

/**
 * What a decision must look like. Every field is optional; arrays are compared exactly
 * (with `toEqual`, so jest's asymmetric matchers such as `expect.objectContaining` work).
 */
export interface SagaSpecExpectation {
  /** The saga's status after the decision. */
  readonly status?: SagaStatus;
  /** Exactly these events, in order. */
  readonly events?: readonly unknown[];
  /** Exactly these event types, in order: a compact alternative to `events`. */
  readonly eventTypes?: readonly SagaEvent['type'][];
  /** Exactly these commands, in order. */
  readonly commands?: readonly unknown[];
  /** Exactly these timers scheduled and cancelled. */
  readonly timers?: {
    readonly schedule?: readonly unknown[];
    readonly cancel?: readonly unknown[];
  };
  /** The saga data after the decision (compared with `toEqual`). */
  readonly data?: unknown;
  /** A subset of the state after the decision (compared with `toMatchObject`). */
  readonly state?: object;
}

/** The `given` stage of {@link sagaSpec}. */
export interface SagaSpecGiven {
  /** The saga's stream so far. */
  given(events: readonly SagaEvent[]): SagaSpecWhen;
  /** No saga yet: the input under test is usually a start. */
  givenNothing(): SagaSpecWhen;
  /** The stream produced by deciding these inputs in order (see {@link decideAll}). */
  givenInputs(inputs: readonly (SagaInput | TimedInput)[]): SagaSpecWhen;
}

/** The `when` stage of {@link sagaSpec}. */
export interface SagaSpecWhen {
  /** The state the given events fold to (null for none). */
  readonly state: SagaState | null;
  /** Decides `input` at `at` (default {@link SPEC_EPOCH}). */
  when(input: SagaInput, at?: Date): SagaSpecThen;
}

/** The `then` stage of {@link sagaSpec}. */
export interface SagaSpecThen {
  /** Asserts the decision matches; returns it for further assertions. */
  then(expected: SagaSpecExpectation): SagaDecision;
  /** Asserts `decide` threw an instance of `errorType` (with a matching message if given). */
  thenThrows<TError extends Error>(
    errorType: abstract new (...args: never[]) => TError,
    message?: string | RegExp,
  ): TError;
  /** The decision, for assertions of your own (rethrows what `decide` threw). */
  decision(): SagaDecision;
}

/**
 * Given/when/then specs over the decider, with no runtime: a saga author's unit tests.
 * Besides its own expectations, `then` checks the decider's contract: the decision's state
 * is the fold of the given and the new events, and there is one command per
 * `CommandDispatched` event.
 *
 * @example
 * ```ts
 * const s1 = startInput('s-1', { orderId: 'o-1', amount: 10 });
 * sagaSpec(placeOrder)
 *   .givenInputs([s1])
 *   .when(failureReply({ sagaId: 's-1', step: 'create-order' }, 'business'))
 *   .then({ status: 'COMPENSATED', eventTypes: ['AttemptFailed', 'StepFailed', 'CompensationStarted', 'SagaCompensated'] });
 *
 * sagaSpec(placeOrder).givenNothing().when(startInput('s-2', { orderId: 42 })).thenThrows(InvalidSagaInputError);
 * ```
 */
export function sagaSpec(definition: AnySagaDefinition): SagaSpecGiven {
  const stage = (events: readonly SagaEvent[]): SagaSpecWhen => {
    const state = foldEvents(events);
    return {
      state,
      when: (input, at = SPEC_EPOCH) => {
        try {
          return thenStage(events, decide(definition, state, input, at), null);
        } catch (error) {
          return thenStage(events, null, error);
        }
      },
    };
  };
  return {
    given: stage,
    givenNothing: () => stage([]),
    givenInputs: (inputs) => stage(decideAll(definition, inputs).events),
  };
}

function thenStage(
  given: readonly SagaEvent[],
  decision: SagaDecision | null,
  thrown: unknown,
): SagaSpecThen {
  const decided = (): SagaDecision => {
    if (decision === null) throw thrown;
    return decision;
  };
  return {
    decision: decided,
    then: (expected) => {
      const result = decided();
      expect(result.state).toEqual(foldEvents([...given, ...result.events]));
      expect(result.commands.map((command) => command.messageId)).toEqual(
        result.events.flatMap((event) =>
          event.type === 'CommandDispatched' ? [event.messageId] : [],
        ),
      );
      if (expected.status !== undefined) expect(result.state.status).toBe(expected.status);
      if (expected.events !== undefined) expect(result.events).toEqual(expected.events);
      if (expected.eventTypes !== undefined) {
        expect(result.events.map((event) => event.type)).toEqual(expected.eventTypes);
      }
      if (expected.commands !== undefined) expect(result.commands).toEqual(expected.commands);
      if (expected.timers?.schedule !== undefined) {
        expect(result.timers.schedule).toEqual(expected.timers.schedule);
      }
      if (expected.timers?.cancel !== undefined) {
        expect(result.timers.cancel).toEqual(expected.timers.cancel);
      }
      if (expected.data !== undefined) expect(result.state.data).toEqual(expected.data);
      if (expected.state !== undefined) expect(result.state).toMatchObject(expected.state);
      return result;
    },
    thenThrows<TError extends Error>(
      errorType: abstract new (...args: never[]) => TError,
      message?: string | RegExp,
    ): TError {
      if (thrown instanceof errorType) {
        if (message !== undefined) expect(thrown.message).toMatch(message);
        return thrown;
      }
      throw new Error(
        `expected decide to throw ${errorType.name}, but it ${
          decision === null ? `threw ${String(thrown)}` : 'returned a decision'
        }`,
        { cause: thrown },
      );
    },
  };
}

/** What {@link decideAll} produced. */
export interface DecideAllResult {
  /** Every event, in order: the saga's stream. */
  readonly events: readonly SagaEvent[];
  /** The final state (null when there were no inputs). */
  readonly state: SagaState | null;
  /** Each input's decision, in order. */
  readonly decisions: readonly SagaDecision[];
}

/**
 * Decides `inputs` one after the other from no saga, at {@link SPEC_EPOCH} unless an input
 * comes with its own time: a quick way to build the `given` stream of a spec.
 */
export function decideAll(
  definition: AnySagaDefinition,
  inputs: readonly (SagaInput | TimedInput)[],
): DecideAllResult {
  let state: SagaState | null = null;
  const events: SagaEvent[] = [];
  const decisions: SagaDecision[] = [];
  for (const item of inputs) {
    const { input, at } = 'at' in item ? item : { input: item, at: SPEC_EPOCH };
    const decision = decide(definition, state, input, at);
    state = decision.state;
    events.push(...decision.events);
    decisions.push(decision);
  }
  return { events, state, decisions };
}

/** A start input. */
export function startInput(
  sagaId: string,
  input: unknown,
  businessKey: string | null = null,
): StartInput {
  return { type: 'start', sagaId, input, businessKey };
}

/**
 * What a reply answers. A `SagaCommand` is one (so `successReply(command)` answers
 * it); otherwise `direction` defaults to `forward` and `attempt` to 1.
 */
export interface ReplyTarget {
  readonly sagaId: string;
  readonly step: string;
  /** @defaultValue `'forward'` */
  readonly direction?: Direction;
  /** @defaultValue `1` */
  readonly attempt?: number;
  /** @defaultValue `<the command's message id>.reply` */
  readonly replyId?: string;
}

/** A success reply to `to`. */
export function successReply(to: ReplyTarget, payload: JsonObject = {}): ReplyInput {
  return { ...replyBase(to), outcome: 'success', payload };
}

/**
 * A failure reply to `to`: a `business` or `technical` failure with a generic code, or a
 * failure of your own.
 */
export function failureReply(
  to: ReplyTarget,
  failure: ReplyFailure | ReplyFailure['kind'],
): ReplyInput {
  const detail: ReplyFailure =
    typeof failure === 'string'
      ? {
          kind: failure,
          code: failure === 'business' ? 'REFUSED' : 'HANDLER_ERROR',
          message: `${failure} failure`,
        }
      : failure;
  return { ...replyBase(to), outcome: 'failure', failure: detail };
}

function replyBase(to: ReplyTarget): Omit<ReplyInput, 'outcome' | 'payload' | 'failure'> {
  const direction = to.direction ?? 'forward';
  const attempt = to.attempt ?? 1;
  return {
    type: 'reply',
    replyId: to.replyId ?? `${commandMessageId(to.sagaId, to.step, direction, attempt)}.reply`,
    sagaId: to.sagaId,
    step: to.step,
    direction,
    attempt,
  };
}

/** A timer firing. */
export function timerInput(timer: SagaTimer): TimerInput {
  return { type: 'timer', timer };
}

/** An operator action (`actor` defaults to `operator`, `reason` to `test`). */
export function operatorInput(
  action: OperatorActionName,
  options: { readonly actor?: string; readonly reason?: string; readonly step?: string } = {},
): OperatorInput {
  return {
    type: 'operator',
    action,
    actor: options.actor ?? 'operator',
    reason: options.reason ?? 'test',
    ...(options.step === undefined ? {} : { step: options.step }),
  };
}

/**
 * An operator's redelivery of a message: a dead-letter replay (dead letter `dl-1` of the
 * `ledger` consumer unless told otherwise) or an EventProcess retry (no dead letter);
 * `actor` defaults to `operator`, `reason` to `test`, `messageId` to `m-1`.
 */
export function redeliveryInput(
  kind: RedeliveryInput['kind'],
  options: Partial<Omit<RedeliveryInput, 'type' | 'kind'>> = {},
): RedeliveryInput {
  return {
    type: 'redelivery',
    kind,
    consumer: options.consumer ?? 'ledger',
    messageId: options.messageId === undefined ? 'm-1' : options.messageId,
    deadLetterId:
      options.deadLetterId === undefined
        ? kind === 'dead-letter-replay'
          ? 'dl-1'
          : null
        : options.deadLetterId,
    actor: options.actor ?? 'operator',
    reason: options.reason ?? 'test',
  };
}
