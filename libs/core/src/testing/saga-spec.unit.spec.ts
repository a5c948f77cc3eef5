import { ORDER_INPUT, placeOrder } from '../decider/__fixtures__/place-order';
import { IllegalSagaActionError, InvalidSagaInputError } from '../errors/errors';
import {
  decideAll,
  failureReply,
  operatorInput,
  sagaSpec,
  SPEC_EPOCH,
  startInput,
  successReply,
  timerInput,
} from './saga-spec';

const start = startInput('s-1', ORDER_INPUT);
const orderCreated = successReply({ sagaId: 's-1', step: 'create-order' }, { status: 'NEW' });

describe('sagaSpec', () => {
  it('decides the `when` input on the state the given events fold to', () => {
    const { events } = decideAll(placeOrder, [start]);
    const later = new Date(SPEC_EPOCH.getTime() + 1_000);
    const spec = sagaSpec(placeOrder).given(events);
    expect(spec.state?.version).toBe(2);
    const decision = spec.when(orderCreated, later).then({
      status: 'RUNNING',
      eventTypes: ['StepSucceeded', 'CommandDispatched', 'CommandDispatched'],
      events: [
        expect.objectContaining({ type: 'StepSucceeded', at: later.toISOString() }),
        expect.objectContaining({ step: 'reserve-credit' }),
        expect.objectContaining({ step: 'reserve-stock' }),
      ],
      commands: [
        expect.objectContaining({ step: 'reserve-credit' }),
        expect.objectContaining({ step: 'reserve-stock' }),
      ],
      timers: {
        schedule: [
          expect.objectContaining({ step: 'reserve-credit', purpose: 'timeout' }),
          expect.objectContaining({
            step: 'reserve-stock',
            purpose: 'timeout',
            dueAt: new Date(later.getTime() + 30_000).toISOString(),
          }),
        ],
        cancel: ['s-1.create-order.f.1.timeout'],
      },
      data: { ...ORDER_INPUT, orderStatus: 'NEW' },
      state: { version: 5 },
    });
    expect(decision.state.updatedAt).toBe(later.toISOString());
  });

  it('fails `then` when the decision differs from the expectation', () => {
    const then = sagaSpec(placeOrder).givenInputs([start]).when(orderCreated);
    expect(() => then.then({ status: 'COMPLETED' })).toThrow(/toBe/);
    expect(() => then.then({ eventTypes: ['StepSucceeded'] })).toThrow(/toEqual/);
    expect(() => then.then({ state: { version: 1 } })).toThrow(/toMatchObject/);
  });

  it('asserts a thrown error, and explains when another outcome came', () => {
    const error = sagaSpec(placeOrder)
      .givenNothing()
      .when(startInput('s-1', {}))
      .thenThrows(InvalidSagaInputError, /invalid start/);
    expect(error.issues.length).toBeGreaterThan(0);
    expect(() =>
      sagaSpec(placeOrder).givenNothing().when(start).thenThrows(InvalidSagaInputError),
    ).toThrow('expected decide to throw InvalidSagaInputError, but it returned a decision');
    expect(() =>
      sagaSpec(placeOrder)
        .givenNothing()
        .when(startInput('s-1', {}))
        .thenThrows(IllegalSagaActionError),
    ).toThrow(
      /expected decide to throw IllegalSagaActionError, but it threw InvalidSagaInputError/,
    );
  });

  it('rethrows the error of decide from `then` and `decision`', () => {
    const failing = sagaSpec(placeOrder).givenNothing().when(orderCreated);
    expect(() => failing.decision()).toThrow(IllegalSagaActionError);
    expect(() => failing.then({})).toThrow(IllegalSagaActionError);
  });
});

describe('decideAll', () => {
  it('decides inputs in order, each at its own time or at the spec epoch', () => {
    const later = new Date(SPEC_EPOCH.getTime() + 5_000);
    const { events, state, decisions } = decideAll(placeOrder, [
      start,
      { input: orderCreated, at: later },
    ]);
    expect(decisions).toHaveLength(2);
    expect(events.map((event) => event.at)).toEqual([
      SPEC_EPOCH.toISOString(),
      SPEC_EPOCH.toISOString(),
      later.toISOString(),
      later.toISOString(),
      later.toISOString(),
    ]);
    expect(state).toBe(decisions[1]?.state);
    expect(decideAll(placeOrder, [])).toEqual({ events: [], state: null, decisions: [] });
  });
});

describe('input helpers', () => {
  it('build replies that answer a step attempt, by default the first forward one', () => {
    expect(successReply({ sagaId: 's-1', step: 'create-order' })).toEqual({
      type: 'reply',
      replyId: 's-1.create-order.f.1.reply',
      sagaId: 's-1',
      step: 'create-order',
      direction: 'forward',
      attempt: 1,
      outcome: 'success',
      payload: {},
    });
    expect(
      failureReply(
        { sagaId: 's-1', step: 'x', direction: 'compensation', attempt: 3, replyId: 'r-1' },
        'business',
      ),
    ).toEqual({
      type: 'reply',
      replyId: 'r-1',
      sagaId: 's-1',
      step: 'x',
      direction: 'compensation',
      attempt: 3,
      outcome: 'failure',
      failure: { kind: 'business', code: 'REFUSED', message: 'business failure' },
    });
    expect(failureReply({ sagaId: 's-1', step: 'x' }, 'technical')).toMatchObject({
      failure: { kind: 'technical', code: 'HANDLER_ERROR', message: 'technical failure' },
    });
  });

  it('build start, timer and operator inputs', () => {
    expect(startInput('s-1', { a: 1 }, 'key')).toEqual({
      type: 'start',
      sagaId: 's-1',
      input: { a: 1 },
      businessKey: 'key',
    });
    const timer = {
      timerId: 't',
      sagaId: 's-1',
      step: 'x',
      direction: 'forward',
      attempt: 1,
      purpose: 'retry',
      dueAt: SPEC_EPOCH.toISOString(),
    } as const;
    expect(timerInput(timer)).toEqual({ type: 'timer', timer });
    expect(operatorInput('abort')).toEqual({
      type: 'operator',
      action: 'abort',
      actor: 'operator',
      reason: 'test',
    });
    expect(operatorInput('resolve', { actor: 'ann', reason: 'done', step: 'x' })).toEqual({
      type: 'operator',
      action: 'resolve',
      actor: 'ann',
      reason: 'done',
      step: 'x',
    });
  });
});
