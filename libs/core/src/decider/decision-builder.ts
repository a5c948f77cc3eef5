import {
  type CompensationDefinition,
  type AnySagaDefinition,
  type StepDefinition,
} from '../definition/saga-definition';
import { errorMessage, formatIssues } from '../errors/describe';
import { DefinitionError } from '../errors/errors';
import { type JsonObject } from '../model/json';
import { type Direction, type SagaCommand } from '../model/saga-command';
import { type IgnoreReason, type SagaEvent } from '../model/saga-event';
import { type SagaState } from '../model/saga-state';
import { evolve } from './evolve';
import { toJsonObject } from './json-object';
import { type SagaDecision } from './saga-decision';
import { commandMessageId } from './saga-ids';

/** `Omit` applied to each member of a union. */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** An event as the decider writes it: `v` and `at` are filled in. */
export type NewEvent = DistributiveOmit<SagaEvent, 'v' | 'at'>;

/**
 * Collects one decision: every emitted event is folded at once with `evolve`, so the
 * decider always reads the state its own events produced, and the final state is exactly
 * the fold of the events.
 */
export class DecisionBuilder {
  private readonly commands: SagaCommand[] = [];
  readonly at: string;

  private constructor(
    readonly definition: AnySagaDefinition,
    private readonly prior: SagaState | null,
    private current: SagaState,
    private readonly events: SagaEvent[],
    readonly now: Date,
  ) {
    this.at = now.toISOString();
  }

  /** A decision about an existing saga. */
  static about(definition: AnySagaDefinition, state: SagaState, now: Date): DecisionBuilder {
    return new DecisionBuilder(definition, state, state, [], now);
  }

  /** A decision that starts a saga with `started` (a `SagaStarted` body). */
  static starting(
    definition: AnySagaDefinition,
    started: Extract<NewEvent, { type: 'SagaStarted' }>,
    now: Date,
  ): DecisionBuilder {
    const event: SagaEvent = { ...started, v: 1, at: now.toISOString() };
    return new DecisionBuilder(definition, null, evolve(null, event), [event], now);
  }

  /** The state after the events emitted so far. */
  get state(): SagaState {
    return this.current;
  }

  /** Appends an event and folds it into the state. */
  emit(body: NewEvent): void {
    const event = this.stamp(body);
    this.current = evolve(this.current, event);
    this.events.push(event);
  }

  /** Records an input that changes nothing. */
  ignore(
    input: 'reply' | 'timer',
    inputId: string,
    step: string | null,
    attempt: number | null,
    reason: IgnoreReason,
  ): void {
    this.emit({ type: 'InputIgnored', input, inputId, step, attempt, reason });
  }

  /** Dispatches a forward attempt of `step`. */
  dispatchForward(step: StepDefinition, attempt: number): void {
    this.dispatch(step, 'forward', attempt, step, step.timeoutMs);
  }

  /** Dispatches a compensation attempt of `step`. */
  dispatchCompensation(step: StepDefinition, attempt: number): void {
    const compensation = compensationOf(this.definition, step);
    this.dispatch(step, 'compensation', attempt, compensation, compensation.timeoutMs);
  }

  /**
   * Runs one of the definition's functions (payload builder, reply map) and checks it
   * returned a JSON object.
   *
   * @throws DefinitionError when it throws or returns something that is not JSON: a bug in
   * the definition, which no retry can fix.
   */
  runUserFunction(step: StepDefinition, what: string, call: () => unknown): JsonObject {
    const { where, context } = this.locate(step);
    let value: unknown;
    try {
      value = call();
    } catch (error) {
      throw new DefinitionError(`${where}: the ${what} threw: ${errorMessage(error)}`, {
        cause: error,
        context,
      });
    }
    const checked = toJsonObject(value);
    if (!checked.ok) {
      throw new DefinitionError(
        `${where}: the ${what} must return a JSON object: ${checked.problem}`,
        {
          context,
        },
      );
    }
    return checked.value;
  }

  /** The decision: events, commands, the timer changes, and the state. */
  finish(handledTimerId: string | null = null): SagaDecision {
    const before = this.prior?.pendingTimers ?? [];
    const after = this.current.pendingTimers;
    const beforeIds = new Set(before.map((timer) => timer.timerId));
    const afterIds = new Set(after.map((timer) => timer.timerId));
    return {
      events: this.events,
      commands: this.commands,
      timers: {
        schedule: after.filter((timer) => !beforeIds.has(timer.timerId)),
        cancel: before
          .map((timer) => timer.timerId)
          .filter((id) => !afterIds.has(id) && id !== handledTimerId),
      },
      state: this.current,
    };
  }

  private dispatch(
    step: StepDefinition,
    direction: Direction,
    attempt: number,
    target: Pick<
      CompensationDefinition,
      'participant' | 'command' | 'buildPayload' | 'payloadSchema'
    >,
    timeoutMs: number | null,
  ): void {
    const what = direction === 'forward' ? 'payload builder' : 'compensation payload builder';
    const payload = this.runUserFunction(step, what, () => target.buildPayload(this.state.data));
    this.checkContract(step, what, target, payload);
    const { sagaId, sagaType, sagaVersion } = this.state;
    const messageId = commandMessageId(sagaId, step.name, direction, attempt);
    const timeoutAt =
      timeoutMs === null ? null : new Date(this.now.getTime() + timeoutMs).toISOString();
    this.emit({
      type: 'CommandDispatched',
      step: step.name,
      direction,
      attempt,
      messageId,
      participant: target.participant,
      command: target.command,
      payload,
      timeoutAt,
    });
    this.commands.push({
      messageId,
      sagaId,
      sagaType,
      sagaVersion,
      step: step.name,
      direction,
      attempt,
      participant: target.participant,
      command: target.command,
      payload,
    });
  }

  /**
   * Checks a payload against the schema of its command's contract.
   *
   * @throws DefinitionError listing the schema's issues: the payload builder breaks the
   * contract, which no retry can fix.
   */
  private checkContract(
    step: StepDefinition,
    what: string,
    target: Pick<CompensationDefinition, 'participant' | 'command' | 'payloadSchema'>,
    payload: JsonObject,
  ): void {
    const parsed = target.payloadSchema?.safeParse(payload);
    if (parsed === undefined || parsed.success) return;
    const { where, context } = this.locate(step);
    const issues = formatIssues(parsed.error.issues);
    throw new DefinitionError(
      `${where}: the ${what} built a payload that breaks the contract of ${target.participant} ${target.command}: ${issues.join('; ')}`,
      {
        context: { ...context, participant: target.participant, command: target.command, issues },
      },
    );
  }

  /** Where a definition function runs, for the errors it causes. */
  private locate(step: StepDefinition): {
    where: string;
    context: { sagaId: string; sagaType: string; step: string };
  } {
    return {
      where: `saga '${this.definition.name}' v${this.definition.version} step '${step.name}'`,
      context: { sagaId: this.state.sagaId, sagaType: this.definition.name, step: step.name },
    };
  }

  private stamp(body: NewEvent): SagaEvent {
    return { ...body, v: 1, at: this.at };
  }
}

/**
 * The step's compensation.
 *
 * @throws DefinitionError when the definition has none, although the saga's events say one
 * was dispatched: the definition changed without a new version.
 */
export function compensationOf(
  definition: AnySagaDefinition,
  step: StepDefinition,
): CompensationDefinition {
  if (step.compensation === null) {
    throw new DefinitionError(
      `saga '${definition.name}' v${definition.version} step '${step.name}' has no compensation, but the saga dispatched one: the definition changed without a new version`,
      { context: { sagaType: definition.name, step: step.name } },
    );
  }
  return step.compensation;
}
