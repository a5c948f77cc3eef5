import { type IgnoreReason } from '../model/saga-event';
import { type SagaTimer } from '../model/saga-timer';
import {
  failureReply,
  operatorInput,
  sagaSpec,
  SPEC_EPOCH,
  successReply,
  timerInput,
} from '../testing/saga-spec';
import { credit, orderCreated, start, stock } from './__fixtures__/order-inputs';
import { placeOrder } from './__fixtures__/place-order';
import { type SagaInput } from './saga-input';

const creditTimeout: SagaTimer = {
  timerId: 's-1.reserve-credit.f.1.timeout',
  sagaId: 's-1',
  step: 'reserve-credit',
  direction: 'forward',
  attempt: 1,
  purpose: 'timeout',
  dueAt: '2030-01-01T00:00:05.000Z',
};
const completed = [
  start,
  orderCreated,
  successReply(credit, { reservationId: 'r-1' }),
  successReply(stock),
  successReply({ sagaId: 's-1', step: 'approve-order' }),
  successReply({ sagaId: 's-1', step: 'notify-customer' }),
];

/** Asserts the input is recorded as ignored and changes nothing else. */
function expectIgnored(
  given: readonly SagaInput[],
  input: SagaInput,
  reason: IgnoreReason,
  expected: { step: string | null; attempt: number | null; inputId: string },
): void {
  const spec = sagaSpec(placeOrder).givenInputs(given);
  const before = spec.state;
  const decision = spec.when(input).then({
    events: [
      {
        v: 1,
        at: SPEC_EPOCH.toISOString(),
        type: 'InputIgnored',
        input: input.type === 'timer' ? 'timer' : 'reply',
        reason,
        ...expected,
      },
    ],
    commands: [],
    timers: { schedule: [], cancel: [] },
  });
  expect(decision.state).toEqual({ ...before, version: (before?.version ?? 0) + 1 });
}

describe('decide: ignored inputs change nothing but their record', () => {
  it('ignores a duplicate of the reply that resolved the attempt', () => {
    expectIgnored([start, orderCreated], orderCreated, 'duplicate', {
      step: 'create-order',
      attempt: 1,
      inputId: orderCreated.replyId,
    });
  });

  it('ignores a failure for an attempt resolved by its timeout as a duplicate', () => {
    const late = failureReply(credit, 'technical');
    expectIgnored([start, orderCreated, timerInput(creditTimeout)], late, 'duplicate', {
      step: 'reserve-credit',
      attempt: 1,
      inputId: late.replyId,
    });
  });

  it('ignores a reply for an older attempt', () => {
    const given = [
      start,
      orderCreated,
      failureReply(credit, 'technical'),
      operatorInput('retry-step', { step: 'reserve-credit' }),
    ];
    const stale = failureReply(credit, 'technical');
    expectIgnored(given, { ...stale, replyId: 'r-again' }, 'stale-attempt', {
      step: 'reserve-credit',
      attempt: 1,
      inputId: 'r-again',
    });
  });

  it('ignores a reply for a step the definition does not have', () => {
    const unknown = successReply({ sagaId: 's-1', step: 'ship-order' });
    expectIgnored([start], unknown, 'unknown-step', {
      step: 'ship-order',
      attempt: 1,
      inputId: unknown.replyId,
    });
  });

  it('ignores replies for what was never dispatched: step, direction or attempt', () => {
    const never = successReply({ sagaId: 's-1', step: 'approve-order' });
    expectIgnored([start], never, 'not-awaited', {
      step: 'approve-order',
      attempt: 1,
      inputId: never.replyId,
    });
    const wrongDirection = successReply({ ...credit, direction: 'compensation' });
    expectIgnored([start, orderCreated], wrongDirection, 'not-awaited', {
      step: 'reserve-credit',
      attempt: 1,
      inputId: wrongDirection.replyId,
    });
    const future = successReply({ ...credit, attempt: 2 });
    expectIgnored([start, orderCreated], future, 'not-awaited', {
      step: 'reserve-credit',
      attempt: 2,
      inputId: future.replyId,
    });
  });

  it('ignores a late timeout after the reply, and a duplicate compensation reply', () => {
    expectIgnored(
      [start, orderCreated, successReply(credit, { reservationId: 'r-1' })],
      timerInput(creditTimeout),
      'not-awaited',
      { step: 'reserve-credit', attempt: 1, inputId: creditTimeout.timerId },
    );
    const undone = successReply({ ...stock, direction: 'compensation' });
    expectIgnored(
      [start, orderCreated, successReply(stock), failureReply(credit, 'business'), undone],
      undone,
      'duplicate',
      { step: 'reserve-stock', attempt: 1, inputId: undone.replyId },
    );
  });

  it('ignores a timer of an older attempt, of an unknown step, or never scheduled', () => {
    const given = [start, orderCreated, operatorInput('retry-step', { step: 'reserve-credit' })];
    expectIgnored(given, timerInput(creditTimeout), 'stale-attempt', {
      step: 'reserve-credit',
      attempt: 1,
      inputId: creditTimeout.timerId,
    });
    const unknown = { ...creditTimeout, step: 'ship-order', timerId: 's-1.ship-order.f.1.timeout' };
    expectIgnored(given, timerInput(unknown), 'unknown-step', {
      step: 'ship-order',
      attempt: 1,
      inputId: unknown.timerId,
    });
    const unscheduled = { ...creditTimeout, step: 'approve-order', timerId: 'x' };
    expectIgnored(given, timerInput(unscheduled), 'not-awaited', {
      step: 'approve-order',
      attempt: 1,
      inputId: 'x',
    });
    const compensationTimer = {
      ...creditTimeout,
      direction: 'compensation' as const,
      timerId: 'y',
    };
    expectIgnored(given, timerInput(compensationTimer), 'not-awaited', {
      step: 'reserve-credit',
      attempt: 1,
      inputId: 'y',
    });
  });

  it('ignores anything after the saga ended', () => {
    expectIgnored(completed, orderCreated, 'saga-ended', {
      step: 'create-order',
      attempt: 1,
      inputId: orderCreated.replyId,
    });
    expectIgnored(completed, timerInput(creditTimeout), 'saga-ended', {
      step: 'reserve-credit',
      attempt: 1,
      inputId: creditTimeout.timerId,
    });
    const compensated = [start, failureReply({ sagaId: 's-1', step: 'create-order' }, 'business')];
    expectIgnored(compensated, orderCreated, 'saga-ended', {
      step: 'create-order',
      attempt: 1,
      inputId: orderCreated.replyId,
    });
  });
});
