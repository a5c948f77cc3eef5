import {
  failureReply,
  operatorInput,
  sagaSpec,
  SPEC_EPOCH,
  successReply,
  timerInput,
} from '../testing/saga-spec';
import {
  compensatingGroup,
  credit,
  orderCreated,
  start,
  stock,
  timer,
  undo,
} from './__fixtures__/order-inputs';
import { placeOrder } from './__fixtures__/place-order';
import { decide } from './decide';

/** The group being compensated: reserve-stock undone, reserve-credit's undo in flight. */
const stockUndone = [...compensatingGroup, successReply(undo('reserve-stock'))];
// ReleaseCredit: timeout 3 s, two attempts, 1 s back-off.
const releaseTimedOut = [
  ...stockUndone,
  timerInput(timer('reserve-credit', 1, 'timeout', 3_000, 'compensation')),
];
const releaseRetried = [
  ...releaseTimedOut,
  timerInput(timer('reserve-credit', 2, 'retry', 4_000, 'compensation')),
];

describe('decide: a success settles its step whatever attempt it answers', () => {
  it('applies the late success of a timed-out attempt and cancels its retry', () => {
    const timedOut = [
      start,
      orderCreated,
      timerInput(timer('reserve-credit', 1, 'timeout', 5_000, 'forward')),
    ];
    sagaSpec(placeOrder)
      .givenInputs(timedOut)
      .when(successReply(credit, { reservationId: 'r-late' }))
      .then({
        eventTypes: ['StepSucceeded'],
        timers: { schedule: [], cancel: ['s-1.reserve-credit.f.2.retry'] },
        data: expect.objectContaining({ creditReservation: 'r-late' }) as unknown,
        state: { status: 'RUNNING', steps: { 'reserve-credit': { status: 'SUCCEEDED' } } },
      });
  });

  it('applies an older attempt’s success while a newer attempt is in flight', () => {
    const retried = [
      start,
      orderCreated,
      timerInput(timer('reserve-credit', 1, 'timeout', 5_000, 'forward')),
      timerInput(timer('reserve-credit', 2, 'retry', 5_200, 'forward')),
      successReply(stock),
    ];
    sagaSpec(placeOrder)
      .givenInputs(retried)
      .when(successReply(credit, { reservationId: 'r-1' }))
      .then({
        eventTypes: ['StepSucceeded', 'CommandDispatched'],
        commands: [expect.objectContaining({ step: 'approve-order', attempt: 1 })],
        state: { steps: { 'reserve-credit': { status: 'SUCCEEDED', attempt: 2 } } },
      });
    // The newer attempt's own answer (the participant's stored result) is then a duplicate.
    sagaSpec(placeOrder)
      .givenInputs([...retried, successReply(credit, { reservationId: 'r-1' })])
      .when(successReply({ ...credit, attempt: 2 }, { reservationId: 'r-1' }))
      .then({ events: [expect.objectContaining({ type: 'InputIgnored', reason: 'duplicate' })] });
  });

  it('compensates a step given up before its success arrived', () => {
    // reserve-credit failed technically and waits for a retry when reserve-stock refuses:
    // the retry is cancelled and the step given up, as if it never applied.
    const givenUp = [
      start,
      orderCreated,
      failureReply(credit, 'technical'),
      failureReply(stock, 'business'),
    ];
    expect(sagaSpec(placeOrder).givenInputs(givenUp).state?.steps['reserve-credit']).toMatchObject({
      status: 'FAILED',
      mayHaveApplied: false,
    });
    sagaSpec(placeOrder)
      .givenInputs(givenUp)
      .when(successReply(credit, { reservationId: 'r-after-all' }))
      .then({
        eventTypes: ['StepSucceeded', 'CommandDispatched'],
        commands: [expect.objectContaining({ step: 'reserve-credit', direction: 'compensation' })],
        state: {
          status: 'COMPENSATING',
          steps: { 'reserve-credit': { status: 'COMPENSATING', mayHaveApplied: true } },
        },
      });
  });

  it('applies an older compensation attempt’s success and goes on compensating', () => {
    sagaSpec(placeOrder)
      .givenInputs(releaseRetried)
      .when(successReply(undo('reserve-credit', 1)))
      .then({
        eventTypes: ['StepCompensated', 'CommandDispatched'],
        commands: [expect.objectContaining({ step: 'create-order', direction: 'compensation' })],
        timers: {
          // RejectOrder inherits create-order's timeout: the default 30 s.
          schedule: [timer('create-order', 1, 'timeout', 30_000, 'compensation')],
          cancel: ['s-1.reserve-credit.c.2.timeout'],
        },
      });
  });

  it('un-parks a saga when the success of a compensation it gave up on arrives', () => {
    const parked = [
      ...stockUndone,
      failureReply(undo('reserve-credit', 1), 'technical'),
      timerInput(timer('reserve-credit', 2, 'retry', 1_000, 'compensation')),
      failureReply(undo('reserve-credit', 2), 'technical'),
    ];
    const spec = sagaSpec(placeOrder).givenInputs(parked);
    expect(spec.state?.status).toBe('COMPENSATION_FAILED');
    spec.when(successReply(undo('reserve-credit', 1))).then({
      eventTypes: ['StepCompensated', 'CommandDispatched'],
      commands: [expect.objectContaining({ step: 'create-order', direction: 'compensation' })],
      state: { status: 'COMPENSATING', steps: { 'reserve-credit': { status: 'COMPENSATED' } } },
    });
  });

  it('ignores an older attempt’s failure: it says nothing of the attempt in flight', () => {
    sagaSpec(placeOrder)
      .givenInputs(releaseRetried)
      .when(failureReply(undo('reserve-credit', 1), 'business'))
      .then({
        events: [expect.objectContaining({ type: 'InputIgnored', reason: 'stale-attempt' })],
      });
  });

  it('ignores a success for an attempt never dispatched, or numbered below 1', () => {
    for (const attempt of [0, 3]) {
      sagaSpec(placeOrder)
        .givenInputs(releaseRetried)
        .when(successReply(undo('reserve-credit', attempt)))
        .then({
          events: [expect.objectContaining({ type: 'InputIgnored', reason: 'not-awaited' })],
        });
    }
  });
});

describe('decide: a timed-out compensation is retried, never parked', () => {
  it('retries past the compensation budget while the participant does not answer', () => {
    sagaSpec(placeOrder)
      .givenInputs(releaseRetried)
      .when(
        timerInput(timer('reserve-credit', 2, 'timeout', 7_000, 'compensation')),
        new Date(SPEC_EPOCH.getTime() + 7_000),
      )
      .then({
        eventTypes: ['AttemptFailed', 'RetryScheduled'],
        state: {
          status: 'COMPENSATING',
          steps: { 'reserve-credit': { status: 'COMPENSATION_WAITING_RETRY' } },
        },
      });
  });

  it('counts only failures by reply against the budget: timeouts do not use it up', () => {
    // Attempt 1 timed out: attempt 2's technical failure is the first of two allowed.
    sagaSpec(placeOrder)
      .givenInputs(releaseRetried)
      .when(failureReply(undo('reserve-credit', 2), 'technical'))
      .then({
        eventTypes: ['AttemptFailed', 'RetryScheduled'],
        state: { status: 'COMPENSATING', steps: { 'reserve-credit': { compensationFailures: 1 } } },
      });
    const twoFailures = [
      ...releaseRetried,
      failureReply(undo('reserve-credit', 2), 'technical'),
      timerInput(timer('reserve-credit', 3, 'retry', 6_000, 'compensation')),
    ];
    sagaSpec(placeOrder)
      .givenInputs(twoFailures)
      .when(failureReply(undo('reserve-credit', 3), 'technical'))
      .then({ eventTypes: ['AttemptFailed', 'CompensationFailed'], status: 'COMPENSATION_FAILED' });
    // An operator's retry opens a fresh budget.
    sagaSpec(placeOrder)
      .givenInputs([...twoFailures, failureReply(undo('reserve-credit', 3), 'technical')])
      .when(operatorInput('retry-compensation'))
      .then({
        eventTypes: ['OperatorActionRecorded', 'CommandDispatched'],
        state: { steps: { 'reserve-credit': { compensationFailures: 0 } } },
      });
  });

  it('still parks at once on a business failure', () => {
    sagaSpec(placeOrder)
      .givenInputs(releaseRetried)
      .when(failureReply(undo('reserve-credit', 2), 'business'))
      .then({ eventTypes: ['AttemptFailed', 'CompensationFailed'], status: 'COMPENSATION_FAILED' });
  });

  it('reads a state stored before failures were counted as none counted', () => {
    const spec = sagaSpec(placeOrder).givenInputs(releaseRetried);
    const state = spec.state;
    if (state === null) throw new Error('fixture');
    const { compensationFailures: _dropped, ...legacy } = state.steps['reserve-credit'] ?? {};
    const stored = { ...state, steps: { ...state.steps, 'reserve-credit': legacy } };
    const decision = decide(
      placeOrder,
      stored as unknown as typeof state,
      failureReply(undo('reserve-credit', 2), 'technical'),
      SPEC_EPOCH,
    );
    expect(decision.state.steps['reserve-credit']?.compensationFailures).toBe(1);
    expect(decision.state.status).toBe('COMPENSATING');
  });
});
