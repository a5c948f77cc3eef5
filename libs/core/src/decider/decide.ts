import { type AnySagaDefinition } from '../definition/saga-definition';
import { DefinitionError, IllegalSagaActionError } from '../errors/errors';
import { type SagaState } from '../model/saga-state';
import { DecisionBuilder } from './decision-builder';
import { handleOperator, handleRedelivery } from './handle-operator';
import { handleReply } from './handle-reply';
import { handleStart } from './handle-start';
import { handleTimer } from './handle-timer';
import { type SagaDecision } from './saga-decision';
import { type SagaInput } from './saga-input';

/**
 * The saga decider: given a definition, the saga's current state (null before it starts),
 * an input (start, reply, timer, operator action, an operator's redelivery of a message)
 * and the time, returns the events to append, the commands to send, the timers to schedule
 * and cancel, and the new state.
 *
 * Pure: no clock (every event's `at` is `now`), no randomness (retry jitter is derived
 * from the timer id), no I/O. Deciding the same input on the same state gives the same
 * decision, and `decision.state` is exactly the fold of `decision.events` onto `state`.
 * An input that changes nothing (duplicate, stale, late, after the end) gives a single
 * `InputIgnored` event (see `isInputIgnored`).
 *
 * @throws InvalidSagaInputError when a start's input fails the definition's schema.
 * @throws IllegalSagaActionError when the input is not allowed now: a start of an existing
 * saga, a reply, timer, operator action or redelivery for no saga, an operator action the
 * saga's state does not allow, a redelivery with a missing field (the message says why).
 * @throws DefinitionError when the state belongs to another definition or version, or when
 * one of the definition's functions throws or returns something that is not JSON.
 *
 * @example
 * ```ts
 * const started = decide(placeOrder, null, { type: 'start', sagaId: 's-1', input, businessKey: null }, now);
 * // started.commands: the first step's command(s); started.state.status: 'RUNNING'
 * const next = decide(placeOrder, started.state, reply, later);
 * ```
 */
export function decide(
  definition: AnySagaDefinition,
  state: SagaState | null,
  input: SagaInput,
  now: Date,
): SagaDecision {
  if (input.type === 'start') {
    if (state !== null) {
      throw new IllegalSagaActionError(
        `saga '${state.sagaId}' already exists: it cannot start again`,
        {
          context: { sagaId: state.sagaId, sagaType: state.sagaType },
        },
      );
    }
    return handleStart(definition, input, now);
  }
  if (state === null) {
    throw new IllegalSagaActionError(`a ${input.type} input needs a saga, but there is none`, {
      context: { sagaType: definition.name },
    });
  }
  if (state.sagaType !== definition.name || state.sagaVersion !== definition.version) {
    throw new DefinitionError(
      `saga '${state.sagaId}' runs on '${state.sagaType}' v${state.sagaVersion}, not on '${definition.name}' v${definition.version}`,
      { context: { sagaId: state.sagaId, sagaType: state.sagaType } },
    );
  }
  const b = DecisionBuilder.about(definition, state, now);
  switch (input.type) {
    case 'reply':
      handleReply(b, input);
      return b.finish();
    case 'timer':
      handleTimer(b, input.timer);
      return b.finish(input.timer.timerId);
    case 'operator':
      handleOperator(b, input);
      return b.finish();
    case 'redelivery':
      handleRedelivery(b, input);
      return b.finish();
  }
}
