import { z } from 'zod';
import { defineSaga } from '../definition/define-saga';
import { DefinitionError, IllegalSagaActionError, InvalidSagaInputError } from '../errors/errors';
import {
  decideAll,
  failureReply,
  operatorInput,
  sagaSpec,
  SPEC_EPOCH,
  startInput,
  successReply,
  timerInput,
} from '../testing/saga-spec';
import { ORDER_INPUT, placeOrder } from './__fixtures__/place-order';
import { decide } from './decide';

const T0 = SPEC_EPOCH.toISOString();
const start = startInput('s-1', ORDER_INPUT);
const orderCreated = successReply({ sagaId: 's-1', step: 'create-order' }, { status: 'PENDING' });
const creditReserved = successReply(
  { sagaId: 's-1', step: 'reserve-credit' },
  { reservationId: 'r-9' },
);
const stockReserved = successReply({ sagaId: 's-1', step: 'reserve-stock' });
const approved = successReply({ sagaId: 's-1', step: 'approve-order' });

describe('decide: start', () => {
  it('records SagaStarted with the validated input and dispatches the first step', () => {
    sagaSpec(placeOrder)
      .givenNothing()
      .when(startInput('s-1', { ...ORDER_INPUT, extra: 'dropped' }, 'order-o-1'))
      .then({
        status: 'RUNNING',
        events: [
          {
            v: 1,
            at: T0,
            type: 'SagaStarted',
            sagaId: 's-1',
            sagaType: 'place-order',
            sagaVersion: 1,
            businessKey: 'order-o-1',
            input: ORDER_INPUT,
          },
          {
            v: 1,
            at: T0,
            type: 'CommandDispatched',
            step: 'create-order',
            direction: 'forward',
            attempt: 1,
            messageId: 's-1.create-order.f.1',
            participant: 'order-service',
            command: 'CreateOrder',
            payload: { orderId: 'o-1', customerId: 'c-1' },
            // No .timeout(...): the built-in 30 s default.
            timeoutAt: '2030-01-01T00:00:30.000Z',
          },
        ],
        commands: [
          {
            messageId: 's-1.create-order.f.1',
            sagaId: 's-1',
            sagaType: 'place-order',
            sagaVersion: 1,
            step: 'create-order',
            direction: 'forward',
            attempt: 1,
            participant: 'order-service',
            command: 'CreateOrder',
            payload: { orderId: 'o-1', customerId: 'c-1' },
          },
        ],
        timers: {
          schedule: [
            {
              timerId: 's-1.create-order.f.1.timeout',
              sagaId: 's-1',
              step: 'create-order',
              direction: 'forward',
              attempt: 1,
              purpose: 'timeout',
              dueAt: '2030-01-01T00:00:30.000Z',
            },
          ],
          cancel: [],
        },
        data: ORDER_INPUT,
        state: {
          sagaId: 's-1',
          businessKey: 'order-o-1',
          version: 2,
          startedAt: T0,
          endedAt: null,
          activeSteps: ['create-order'],
          steps: {
            'create-order': {
              name: 'create-order',
              status: 'RUNNING',
              attempt: 1,
              compensationAttempt: 0,
              compensationBudgetStart: 0,
              mayHaveApplied: false,
              lastFailure: null,
            },
          },
        },
      });
  });

  it('dispatches every branch of a first parallel group, each with its timeout timer', () => {
    const fanOut = defineSaga('fan-out', { version: 3, input: z.object({ id: z.string() }) })
      .parallel('both', (g) =>
        g
          .branch('left', (s) =>
            s
              .invoke('left-service', 'Left', (d) => ({ id: d.id }))
              .readOnly()
              .timeout(1_000),
          )
          .branch('right', (s) =>
            s
              .invoke('right-service', 'Right', (d) => ({ id: d.id }))
              .compensate('right-service', 'UndoRight', (d) => ({ id: d.id })),
          ),
      )
      .build();
    const decision = sagaSpec(fanOut)
      .givenNothing()
      .when(startInput('f-1', { id: 'a' }))
      .then({
        eventTypes: ['SagaStarted', 'CommandDispatched', 'CommandDispatched'],
        timers: {
          schedule: [
            {
              timerId: 'f-1.left.f.1.timeout',
              sagaId: 'f-1',
              step: 'left',
              direction: 'forward',
              attempt: 1,
              purpose: 'timeout',
              dueAt: '2030-01-01T00:00:01.000Z',
            },
            {
              timerId: 'f-1.right.f.1.timeout',
              sagaId: 'f-1',
              step: 'right',
              direction: 'forward',
              attempt: 1,
              purpose: 'timeout',
              dueAt: '2030-01-01T00:00:30.000Z',
            },
          ],
          cancel: [],
        },
        state: { sagaVersion: 3, activeSteps: ['left', 'right'] },
      });
    expect(decision.commands.map((command) => [command.participant, command.command])).toEqual([
      ['left-service', 'Left'],
      ['right-service', 'Right'],
    ]);
    expect(decision.events[1]).toMatchObject({ timeoutAt: '2030-01-01T00:00:01.000Z' });
  });

  it('rejects an input that fails the schema, listing each issue as `path: message`', () => {
    const error = sagaSpec(placeOrder)
      .givenNothing()
      .when(startInput('s-1', { ...ORDER_INPUT, quantity: 0, sku: 7 }))
      .thenThrows(InvalidSagaInputError, /^invalid start of saga 'place-order' v1: /);
    expect(error.issues).toEqual([
      expect.stringMatching(/^sku: /),
      expect.stringMatching(/^quantity: /),
    ]);
    expect(error.context).toEqual({
      sagaId: 's-1',
      sagaType: 'place-order',
    });
  });

  it('reports a root-level schema issue as `(root)`', () => {
    const error = sagaSpec(placeOrder)
      .givenNothing()
      .when(startInput('s-1', 'not an object'))
      .thenThrows(InvalidSagaInputError);
    expect(error.issues).toEqual([expect.stringMatching(/^\(root\): /)]);
  });

  it('rejects a saga id that cannot be part of message and timer ids', () => {
    sagaSpec(placeOrder)
      .givenNothing()
      .when(startInput('s 1/x', ORDER_INPUT))
      .thenThrows(InvalidSagaInputError, /sagaId: must match/);
  });

  it('rejects an empty business key', () => {
    sagaSpec(placeOrder)
      .givenNothing()
      .when(startInput('s-1', ORDER_INPUT, ''))
      .thenThrows(InvalidSagaInputError, /businessKey: must not be empty/);
  });

  it('rejects a schema whose output is not JSON', () => {
    const dated = defineSaga('dated', {
      version: 1,
      input: z.object({ when: z.string().transform((text) => new Date(text)) }),
    })
      .step('only', (s) => s.invoke('svc', 'Do', () => ({})).readOnly())
      .build();
    sagaSpec(dated)
      .givenNothing()
      .when(startInput('d-1', { when: T0 }))
      .thenThrows(InvalidSagaInputError, /input: when is a Date, not JSON/);
  });

  it('refuses to start a saga that exists', () => {
    sagaSpec(placeOrder)
      .givenInputs([start])
      .when(start)
      .thenThrows(IllegalSagaActionError, "saga 's-1' already exists: it cannot start again");
  });
});

describe('decide: success replies', () => {
  it('merges the reply patch into the data and dispatches every branch of the next group', () => {
    sagaSpec(placeOrder)
      .givenInputs([start])
      .when(orderCreated)
      .then({
        status: 'RUNNING',
        eventTypes: ['StepSucceeded', 'CommandDispatched', 'CommandDispatched'],
        data: { ...ORDER_INPUT, orderStatus: 'PENDING' },
        commands: [
          expect.objectContaining({
            messageId: 's-1.reserve-credit.f.1',
            payload: { customerId: 'c-1', amount: 25, orderStatus: 'PENDING' },
          }),
          expect.objectContaining({
            messageId: 's-1.reserve-stock.f.1',
            payload: { sku: 'sku-1', quantity: 2 },
          }),
        ],
        timers: {
          schedule: [
            expect.objectContaining({ timerId: 's-1.reserve-credit.f.1.timeout' }),
            expect.objectContaining({
              timerId: 's-1.reserve-stock.f.1.timeout',
              dueAt: '2030-01-01T00:00:30.000Z',
            }),
          ],
          cancel: ['s-1.create-order.f.1.timeout'],
        },
      });
  });

  it('records the reply id and the patch in StepSucceeded', () => {
    const decision = sagaSpec(placeOrder).givenInputs([start]).when(orderCreated).decision();
    expect(decision.events[0]).toEqual({
      v: 1,
      at: T0,
      type: 'StepSucceeded',
      step: 'create-order',
      attempt: 1,
      replyId: 's-1.create-order.f.1.reply',
      patch: { orderStatus: 'PENDING' },
    });
  });

  it('waits for every branch of a group, cancelling the timeout of the one that replied', () => {
    sagaSpec(placeOrder)
      .givenInputs([start, orderCreated])
      .when(creditReserved)
      .then({
        eventTypes: ['StepSucceeded'],
        commands: [],
        timers: { schedule: [], cancel: ['s-1.reserve-credit.f.1.timeout'] },
        state: {
          activeSteps: ['reserve-stock'],
          pendingTimers: [expect.objectContaining({ timerId: 's-1.reserve-stock.f.1.timeout' })],
        },
      });
  });

  it('moves past the group once the last branch succeeds, with every branch patch merged', () => {
    sagaSpec(placeOrder)
      .givenInputs([start, orderCreated, creditReserved])
      .when(stockReserved)
      .then({
        eventTypes: ['StepSucceeded', 'CommandDispatched'],
        commands: [
          expect.objectContaining({
            step: 'approve-order',
            payload: { orderId: 'o-1', creditReservation: 'r-9' },
          }),
        ],
        timers: {
          schedule: [
            expect.objectContaining({
              timerId: 's-1.approve-order.f.1.timeout',
              dueAt: '2030-01-01T00:00:05.000Z',
            }),
          ],
          cancel: ['s-1.reserve-stock.f.1.timeout'],
        },
      });
  });

  it('completes the saga after the last step', () => {
    const later = new Date(SPEC_EPOCH.getTime() + 60_000);
    sagaSpec(placeOrder)
      .givenInputs([start, orderCreated, creditReserved, stockReserved, approved])
      .when(successReply({ sagaId: 's-1', step: 'notify-customer' }), later)
      .then({
        status: 'COMPLETED',
        eventTypes: ['StepSucceeded', 'SagaCompleted'],
        commands: [],
        state: {
          endedAt: later.toISOString(),
          updatedAt: later.toISOString(),
          failure: null,
          activeSteps: [],
          pendingTimers: [],
        },
      });
  });

  it('treats a reply the schema rejects as a failed attempt (invalid-reply)', () => {
    const decision = sagaSpec(placeOrder)
      .givenInputs([start])
      .when(successReply({ sagaId: 's-1', step: 'create-order' }, { status: 42 }))
      .then({
        status: 'COMPENSATED',
        eventTypes: ['AttemptFailed', 'StepFailed', 'CompensationStarted', 'SagaCompensated'],
      });
    expect(decision.events[0]).toMatchObject({
      type: 'AttemptFailed',
      failure: { kind: 'invalid-reply', code: 'INVALID_REPLY' },
    });
    expect(decision.state.steps['create-order']?.lastFailure?.message).toMatch(/^status: /);
    expect(decision.events[2]).toMatchObject({ toCompensate: [], awaiting: [] });
  });

  it('gives the same decision for the same input and state', () => {
    const { state } = decideAll(placeOrder, [start]);
    expect(decide(placeOrder, state, orderCreated, SPEC_EPOCH)).toEqual(
      decide(placeOrder, state, orderCreated, SPEC_EPOCH),
    );
  });
});

describe('decide: refusals', () => {
  it('needs a saga for a reply, a timer or an operator action', () => {
    for (const input of [
      orderCreated,
      operatorInput('abort'),
      timerInput({
        timerId: 's-1.create-order.f.1.timeout',
        sagaId: 's-1',
        step: 'create-order',
        direction: 'forward',
        attempt: 1,
        purpose: 'timeout',
        dueAt: T0,
      }),
    ]) {
      sagaSpec(placeOrder)
        .givenNothing()
        .when(input)
        .thenThrows(IllegalSagaActionError, /input needs a saga, but there is none/);
    }
  });

  it('refuses a state of another definition or version', () => {
    const { state } = decideAll(placeOrder, [start]);
    const v2 = defineSaga('place-order', { version: 2, input: z.object({}) })
      .step('only', (s) => s.invoke('svc', 'Do', () => ({})).readOnly())
      .build();
    expect(() => decide(v2, state, orderCreated, SPEC_EPOCH)).toThrow(
      new DefinitionError("saga 's-1' runs on 'place-order' v1, not on 'place-order' v2"),
    );
  });

  it('refuses a reply or a timer addressed to another saga', () => {
    sagaSpec(placeOrder)
      .givenInputs([start])
      .when({ ...orderCreated, sagaId: 's-2' })
      .thenThrows(IllegalSagaActionError, "a reply for saga 's-2' was given to saga 's-1'");
    sagaSpec(placeOrder)
      .givenInputs([start])
      .when(
        timerInput({
          timerId: 's-2.create-order.f.1.timeout',
          sagaId: 's-2',
          step: 'create-order',
          direction: 'forward',
          attempt: 1,
          purpose: 'timeout',
          dueAt: T0,
        }),
      )
      .thenThrows(IllegalSagaActionError, /of saga 's-2' was given to saga 's-1'/);
  });
});

describe('decide: definition functions', () => {
  const input = z.object({ id: z.string() });

  it('wraps a payload builder that throws in a DefinitionError naming the step', () => {
    const broken = defineSaga('broken', { version: 1, input })
      .step('explode', (s) =>
        s
          .invoke('svc', 'Do', () => {
            throw new Error('boom');
          })
          .readOnly(),
      )
      .build();
    const error = sagaSpec(broken)
      .givenNothing()
      .when(startInput('b-1', { id: 'x' }))
      .thenThrows(
        DefinitionError,
        "saga 'broken' v1 step 'explode': the payload builder threw: boom",
      );
    expect(error.cause).toEqual(new Error('boom'));
  });

  it('rejects a payload that is not JSON', () => {
    const dated = defineSaga('dated-payload', { version: 1, input })
      .step('send', (s) =>
        s
          .invoke('svc', 'Do', () => ({ nested: { at: new Date(0) as unknown as string } }))
          .readOnly(),
      )
      .build();
    sagaSpec(dated)
      .givenNothing()
      .when(startInput('d-1', { id: 'x' }))
      .thenThrows(
        DefinitionError,
        "step 'send': the payload builder must return a JSON object: nested.at is a Date, not JSON",
      );
  });

  it('wraps a reply map that throws', () => {
    const throwing = defineSaga('throwing', { version: 1, input })
      .step('first', (s) =>
        s
          .invoke('svc', 'Do', () => ({}))
          .readOnly()
          .onReply(z.object({}), () => {
            throw new Error('bad map');
          }),
      )
      .build();
    sagaSpec(throwing)
      .givenInputs([startInput('t-1', { id: 'x' })])
      .when(successReply({ sagaId: 't-1', step: 'first' }))
      .thenThrows(DefinitionError, "step 'first': the reply map threw: bad map");
  });

  it('wraps a compensation payload builder that throws something other than an Error', () => {
    const throwing = defineSaga('throwing', { version: 1, input })
      .step('first', (s) =>
        s
          .invoke('svc', 'Do', () => ({}))
          .compensate('svc', 'Undo', () => {
            const notAnError: unknown = 'not an error object';
            throw notAnError;
          }),
      )
      .step('second', (s) => s.invoke('svc', 'Do', () => ({})).readOnly())
      .build();
    sagaSpec(throwing)
      .givenInputs([startInput('t-1', { id: 'x' }), successReply({ sagaId: 't-1', step: 'first' })])
      .when(failureReply({ sagaId: 't-1', step: 'second' }, 'business'))
      .thenThrows(
        DefinitionError,
        "step 'first': the compensation payload builder threw: not an error object",
      );
  });
});
