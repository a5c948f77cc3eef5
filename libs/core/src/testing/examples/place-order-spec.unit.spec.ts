import { IllegalSagaActionError, InvalidSagaInputError } from '../../index';
import {
  failureReply,
  operatorInput,
  sagaSpec,
  startInput,
  successReply,
  timerInput,
} from '../index';
import { placeOrder } from './place-order-saga';

const order = { orderId: 'o-1', customerId: 'c-1', sku: 'sku-1', quantity: 2, amount: 50 };
// startInput(sagaId, input, businessKey?) — positional arguments.
const start = startInput('s-1', order, 'o-1');
// A reply names what it answers: saga and step (direction 'forward' and attempt 1 by default).
const created = successReply({ sagaId: 's-1', step: 'create-order' }, { status: 'PENDING' });
const stockReserved = successReply({ sagaId: 's-1', step: 'reserve-stock' });
const creditReserved = successReply({ sagaId: 's-1', step: 'reserve-credit' });

describe('place-order decisions', () => {
  it('starts by creating the order; a step without .timeout() gets 30 s', () => {
    sagaSpec(placeOrder)
      .givenNothing()
      .when(start)
      .then({
        status: 'RUNNING',
        eventTypes: ['SagaStarted', 'CommandDispatched'],
        commands: [
          expect.objectContaining({
            command: 'CreateOrder',
            payload: { orderId: 'o-1', amount: 50 },
          }),
        ],
        timers: {
          schedule: [
            expect.objectContaining({
              timerId: 's-1.create-order.f.1.timeout',
              dueAt: '2030-01-01T00:00:30.000Z',
            }),
          ],
          cancel: [],
        },
      });
  });

  it('a business failure of one branch undoes the other branch, then the order', () => {
    sagaSpec(placeOrder)
      .givenInputs([start, created, stockReserved])
      .when(
        failureReply(
          { sagaId: 's-1', step: 'reserve-credit' },
          { kind: 'business', code: 'CREDIT_LIMIT_EXCEEDED', message: 'over the limit' },
        ),
      )
      .then({
        status: 'COMPENSATING',
        eventTypes: ['AttemptFailed', 'StepFailed', 'CompensationStarted', 'CommandDispatched'],
        commands: [expect.objectContaining({ command: 'ReleaseStock', direction: 'compensation' })],
        state: { failure: { step: 'reserve-credit', code: 'CREDIT_LIMIT_EXCEEDED' } },
      });
  });

  it('a timeout is an input like a reply: the attempt may have applied, and is retried', () => {
    const spec = sagaSpec(placeOrder).givenInputs([start, created]);
    const timeout = spec.state?.pendingTimers.find((timer) => timer.step === 'reserve-credit');
    if (timeout === undefined) throw new Error('reserve-credit has no timeout');

    const decision = spec.when(timerInput(timeout), new Date(timeout.dueAt)).then({
      eventTypes: ['AttemptFailed', 'RetryScheduled'],
      state: { steps: { 'reserve-credit': { status: 'WAITING_RETRY', mayHaveApplied: true } } },
    });
    expect(decision.timers.schedule.map((timer) => timer.timerId)).toEqual([
      's-1.reserve-credit.f.2.retry',
    ]);
  });

  it('refuses what the saga cannot do: a bad input, an abort past the pivot', () => {
    sagaSpec(placeOrder)
      .givenNothing()
      .when(startInput('s-2', { ...order, quantity: 0 }))
      .thenThrows(InvalidSagaInputError, /quantity/);
    sagaSpec(placeOrder)
      .givenInputs([start, created, stockReserved, creditReserved])
      .when(operatorInput('abort', { actor: 'ops', reason: 'customer called' }))
      .thenThrows(IllegalSagaActionError, /point of no return/);
  });
});
