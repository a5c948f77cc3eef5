import { IllegalSagaActionError } from '../errors/errors';
import {
  failureReply,
  operatorInput,
  redeliveryInput,
  sagaSpec,
  SPEC_EPOCH,
  successReply,
} from '../testing/saga-spec';
import { credit, orderCreated, start, stock, undo } from './__fixtures__/order-inputs';
import { placeOrder } from './__fixtures__/place-order';

const bothReserved = [
  start,
  orderCreated,
  successReply(credit, { reservationId: 'r-1' }),
  successReply(stock),
];
/** Both branch compensations refused: parked with two failed compensations. */
const doublyParked = [
  ...bothReserved,
  failureReply({ sagaId: 's-1', step: 'approve-order' }, 'business'),
  failureReply(undo('reserve-credit'), 'business'),
  failureReply(undo('reserve-stock'), 'business'),
];

describe('decide: operator retry-step', () => {
  it('skips the back-off of a step waiting for a retry', () => {
    sagaSpec(placeOrder)
      .givenInputs([start, orderCreated, failureReply(credit, 'technical')])
      .when(operatorInput('retry-step', { actor: 'ann', reason: 'participant is back' }))
      .then({
        status: 'RUNNING',
        events: [
          {
            v: 1,
            at: SPEC_EPOCH.toISOString(),
            type: 'OperatorActionRecorded',
            action: 'retry-step',
            step: null,
            actor: 'ann',
            reason: 'participant is back',
          },
          expect.objectContaining({
            type: 'CommandDispatched',
            step: 'reserve-credit',
            attempt: 2,
          }),
          // reserve-stock is in flight too: it gets a new attempt as well.
          expect.objectContaining({ type: 'CommandDispatched', step: 'reserve-stock', attempt: 2 }),
        ],
        timers: {
          schedule: [
            expect.objectContaining({ timerId: 's-1.reserve-credit.f.2.timeout' }),
            expect.objectContaining({ timerId: 's-1.reserve-stock.f.2.timeout' }),
          ],
          cancel: ['s-1.reserve-stock.f.1.timeout', 's-1.reserve-credit.f.2.retry'],
        },
      });
  });

  it('supersedes the attempt in flight of the targeted step: its late failure is stale', () => {
    const retried = [start, orderCreated, operatorInput('retry-step', { step: 'reserve-credit' })];
    sagaSpec(placeOrder)
      .givenInputs([start, orderCreated])
      .when(operatorInput('retry-step', { step: 'reserve-credit' }))
      .then({
        eventTypes: ['OperatorActionRecorded', 'CommandDispatched'],
        commands: [expect.objectContaining({ messageId: 's-1.reserve-credit.f.2' })],
        timers: {
          schedule: [expect.objectContaining({ timerId: 's-1.reserve-credit.f.2.timeout' })],
          cancel: ['s-1.reserve-credit.f.1.timeout'],
        },
        state: {
          steps: {
            // The superseded attempt may still be applied by the participant.
            'reserve-credit': { attempt: 2, mayHaveApplied: true },
          },
        },
      });
    sagaSpec(placeOrder)
      .givenInputs(retried)
      .when(failureReply(credit, 'technical'))
      .then({
        events: [expect.objectContaining({ type: 'InputIgnored', reason: 'stale-attempt' })],
      });
    // A success is definitive whatever attempt it answers: the superseded one settles the step.
    sagaSpec(placeOrder)
      .givenInputs(retried)
      .when(successReply(credit, { reservationId: 'r-late' }))
      .then({
        events: [expect.objectContaining({ type: 'StepSucceeded', attempt: 1 })],
        timers: { schedule: [], cancel: ['s-1.reserve-credit.f.2.timeout'] },
        state: { steps: { 'reserve-credit': { status: 'SUCCEEDED', attempt: 2 } } },
      });
  });

  it('is refused when no targeted step is in flight or waiting, or the saga is not RUNNING', () => {
    sagaSpec(placeOrder)
      .givenInputs([start, orderCreated, successReply(credit, { reservationId: 'r-1' })])
      .when(operatorInput('retry-step', { step: 'reserve-credit' }))
      .thenThrows(
        IllegalSagaActionError,
        "cannot retry-step saga 's-1': step 'reserve-credit' is neither in flight nor waiting for a retry",
      );
    sagaSpec(placeOrder)
      .givenInputs([start, failureReply({ sagaId: 's-1', step: 'create-order' }, 'business')])
      .when(operatorInput('retry-step'))
      .thenThrows(IllegalSagaActionError, /the saga has ended \(COMPENSATED\)/);
    sagaSpec(placeOrder)
      .givenInputs([start, orderCreated, failureReply(credit, 'business')])
      .when(operatorInput('retry-step'))
      .thenThrows(
        IllegalSagaActionError,
        'it is COMPENSATING: only the forward steps of a RUNNING saga can be retried',
      );
  });
});

describe('decide: operator abort', () => {
  it('compensates a RUNNING saga before its pivot, waiting for the steps in flight', () => {
    sagaSpec(placeOrder)
      .givenInputs([start, orderCreated, successReply(credit, { reservationId: 'r-1' })])
      .when(operatorInput('abort', { actor: 'bob', reason: 'customer cancelled' }))
      .then({
        status: 'COMPENSATING',
        events: [
          expect.objectContaining({ type: 'OperatorActionRecorded', action: 'abort' }),
          expect.objectContaining({
            type: 'CompensationStarted',
            cause: { kind: 'aborted', actor: 'bob', reason: 'customer cancelled' },
            toCompensate: ['reserve-credit', 'create-order'],
            awaiting: ['reserve-stock'],
          }),
          expect.objectContaining({ type: 'CommandDispatched', step: 'reserve-credit' }),
        ],
        state: {
          failure: { step: null, code: 'ABORTED', message: 'aborted by bob: customer cancelled' },
        },
      });
  });

  it('is refused once the pivot was dispatched: the point of no return', () => {
    sagaSpec(placeOrder)
      .givenInputs(bothReserved)
      .when(operatorInput('abort'))
      .thenThrows(
        IllegalSagaActionError,
        "cannot abort saga 's-1': the pivot 'approve-order' was dispatched: it is past the point of no return",
      );
  });

  it('is refused for a saga that is not RUNNING, and for a single step', () => {
    sagaSpec(placeOrder)
      .givenInputs([start, orderCreated, failureReply(credit, 'business')])
      .when(operatorInput('abort'))
      .thenThrows(IllegalSagaActionError, 'it is COMPENSATING: only a RUNNING saga can be aborted');
    sagaSpec(placeOrder)
      .givenInputs([start])
      .when(operatorInput('abort', { step: 'create-order' }))
      .thenThrows(IllegalSagaActionError, 'abort applies to the whole saga, not to a step');
  });
});

describe('decide: operator retry-compensation', () => {
  it('re-dispatches the failed compensation with a fresh budget and compensates on', () => {
    sagaSpec(placeOrder)
      .givenInputs(doublyParked)
      .when(operatorInput('retry-compensation', { step: 'reserve-credit' }))
      .then({
        status: 'COMPENSATION_FAILED',
        eventTypes: ['OperatorActionRecorded', 'CommandDispatched'],
        commands: [expect.objectContaining({ messageId: 's-1.reserve-credit.c.2' })],
        state: {
          steps: {
            'reserve-credit': {
              status: 'COMPENSATING',
              compensationAttempt: 2,
              compensationBudgetStart: 2,
            },
          },
        },
      });
    sagaSpec(placeOrder)
      .givenInputs(doublyParked)
      .when(operatorInput('retry-compensation'))
      .then({
        status: 'COMPENSATING',
        eventTypes: ['OperatorActionRecorded', 'CommandDispatched', 'CommandDispatched'],
      });
  });

  it('retries technical failures of the new attempt within the fresh budget', () => {
    sagaSpec(placeOrder)
      .givenInputs([...doublyParked, operatorInput('retry-compensation')])
      .when(failureReply(undo('reserve-credit', 2), 'technical'))
      .then({ status: 'COMPENSATING', eventTypes: ['AttemptFailed', 'RetryScheduled'] });
  });

  it('is refused unless the saga is parked', () => {
    sagaSpec(placeOrder)
      .givenInputs(bothReserved)
      .when(operatorInput('retry-compensation'))
      .thenThrows(
        IllegalSagaActionError,
        'it is RUNNING: only a saga parked in COMPENSATION_FAILED allows it',
      );
  });
});

describe('decide: operator resolve', () => {
  it('records the hand-made compensation and goes on undoing the earlier steps', () => {
    sagaSpec(placeOrder)
      .givenInputs(doublyParked)
      .when(operatorInput('resolve', { actor: 'cy', reason: 'refunded by hand' }))
      .then({
        status: 'COMPENSATING',
        events: [
          expect.objectContaining({ type: 'OperatorActionRecorded', action: 'resolve' }),
          expect.objectContaining({
            type: 'StepCompensated',
            step: 'reserve-credit',
            attempt: 1,
            replyId: null,
          }),
          expect.objectContaining({
            type: 'StepCompensated',
            step: 'reserve-stock',
            replyId: null,
          }),
          expect.objectContaining({ type: 'CommandDispatched', step: 'create-order' }),
        ],
      });
  });

  it('resolves only the targeted step; the saga stays parked while another one failed', () => {
    sagaSpec(placeOrder)
      .givenInputs(doublyParked)
      .when(operatorInput('resolve', { step: 'reserve-stock' }))
      .then({
        status: 'COMPENSATION_FAILED',
        eventTypes: ['OperatorActionRecorded', 'StepCompensated'],
      });
  });

  it('ends COMPENSATED when the resolved step was the last one to undo', () => {
    sagaSpec(placeOrder)
      .givenInputs([
        ...doublyParked,
        operatorInput('resolve'),
        failureReply(undo('create-order'), 'business'),
      ])
      .when(operatorInput('resolve'))
      .then({
        status: 'COMPENSATED',
        eventTypes: ['OperatorActionRecorded', 'StepCompensated', 'SagaCompensated'],
      });
  });

  it('is refused for a step whose compensation did not fail', () => {
    sagaSpec(placeOrder)
      .givenInputs(doublyParked)
      .when(operatorInput('resolve', { step: 'create-order' }))
      .thenThrows(IllegalSagaActionError, "step 'create-order' has no failed compensation");
  });
});

describe('decide: operator input checks', () => {
  it('needs an actor, a reason, a known action and a known step', () => {
    const given = sagaSpec(placeOrder).givenInputs([start]);
    given
      .when(operatorInput('abort', { actor: ' ' }))
      .thenThrows(IllegalSagaActionError, 'the actor must not be empty');
    given
      .when(operatorInput('abort', { reason: '' }))
      .thenThrows(IllegalSagaActionError, 'the reason must not be empty');
    given
      .when(operatorInput('retry-step', { step: 'nope' }))
      .thenThrows(IllegalSagaActionError, "the definition has no step 'nope'");
    given
      .when({ type: 'operator', action: 'delete' as never, actor: 'a', reason: 'b' })
      .thenThrows(IllegalSagaActionError, "cannot delete saga 's-1': unknown operator action");
    given
      .when(operatorInput('retry-step', { step: 'reserve-credit' }))
      .thenThrows(
        IllegalSagaActionError,
        "step 'reserve-credit' is neither in flight nor waiting for a retry",
      );
  });

  it('names the saga and the step in the error context', () => {
    const error = sagaSpec(placeOrder)
      .givenInputs([start])
      .when(operatorInput('resolve', { step: 'create-order' }))
      .thenThrows(IllegalSagaActionError);
    expect(error.context).toEqual({
      sagaId: 's-1',
      sagaType: 'place-order',
      step: 'create-order',
    });
  });
});

describe('decide: operator redelivery of a message', () => {
  it('records a dead-letter replay in a RUNNING saga and changes nothing else', () => {
    const given = sagaSpec(placeOrder).givenInputs([start, orderCreated]);
    given
      .when(
        redeliveryInput('dead-letter-replay', {
          consumer: 'ledger',
          messageId: 's-1.reserve-credit.f.1',
          deadLetterId: '17',
          actor: 'ann',
          reason: 'the Reserve handler is deployed',
        }),
      )
      .then({
        status: 'RUNNING',
        events: [
          {
            v: 1,
            at: SPEC_EPOCH.toISOString(),
            type: 'MessageRedelivered',
            kind: 'dead-letter-replay',
            consumer: 'ledger',
            messageId: 's-1.reserve-credit.f.1',
            deadLetterId: '17',
            actor: 'ann',
            reason: 'the Reserve handler is deployed',
          },
        ],
        commands: [],
        timers: { schedule: [], cancel: [] },
        state: { ...given.state, version: (given.state?.version ?? 0) + 1 },
      });
  });

  it('records an EventProcess retry in a parked saga, and either after the saga ended', () => {
    sagaSpec(placeOrder)
      .givenInputs(doublyParked)
      .when(redeliveryInput('event-process-retry', { consumer: 'orchestrator' }))
      .then({
        status: 'COMPENSATION_FAILED',
        events: [
          expect.objectContaining({
            type: 'MessageRedelivered',
            kind: 'event-process-retry',
            deadLetterId: null,
          }),
        ],
      });
    const ended = sagaSpec(placeOrder).givenInputs([
      start,
      failureReply({ sagaId: 's-1', step: 'create-order' }, 'business'),
    ]);
    expect(ended.state?.status).toBe('COMPENSATED');
    for (const kind of ['dead-letter-replay', 'event-process-retry'] as const) {
      ended.when(redeliveryInput(kind, { messageId: null })).then({
        status: 'COMPENSATED',
        eventTypes: ['MessageRedelivered'],
        state: { endedAt: ended.state?.endedAt },
      });
    }
  });

  it('needs a saga, a consumer, an actor, a reason, and a dead letter id exactly for a replay', () => {
    sagaSpec(placeOrder)
      .givenNothing()
      .when(redeliveryInput('dead-letter-replay'))
      .thenThrows(IllegalSagaActionError, 'a redelivery input needs a saga, but there is none');
    const given = sagaSpec(placeOrder).givenInputs([start]);
    const refused = (input: ReturnType<typeof redeliveryInput>, why: string) =>
      given
        .when(input)
        .thenThrows(IllegalSagaActionError, `cannot record a redelivery in saga 's-1': ${why}`);
    refused(
      redeliveryInput('dead-letter-replay', { consumer: '' }),
      'the consumer must not be empty',
    );
    refused(redeliveryInput('event-process-retry', { actor: ' ' }), 'the actor must not be empty');
    refused(redeliveryInput('event-process-retry', { reason: '' }), 'the reason must not be empty');
    refused(
      redeliveryInput('dead-letter-replay', { deadLetterId: null }),
      'a dead-letter replay needs the dead letter id',
    );
    refused(
      redeliveryInput('event-process-retry', { deadLetterId: '3' }),
      'an EventProcess retry has no dead letter id',
    );
    refused(
      redeliveryInput('dead-letter-replay', { messageId: '' }),
      'the message id must be null or not empty',
    );
    refused(
      { ...redeliveryInput('event-process-retry'), kind: 'resend' as never },
      'unknown redelivery kind',
    );
  });
});
