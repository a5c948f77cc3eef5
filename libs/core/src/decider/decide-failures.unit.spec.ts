import { z } from 'zod';
import { defineSaga } from '../definition/define-saga';
import { retryDelayMs } from '../definition/retry-policy';
import {
  decideAll,
  failureReply,
  type TimedInput,
  sagaSpec,
  SPEC_EPOCH,
  startInput,
  successReply,
  timerInput,
} from '../testing/saga-spec';
import { credit, iso, orderCreated, pivot, start, stock, timer } from './__fixtures__/order-inputs';
import { placeOrder } from './__fixtures__/place-order';
import { type SagaInput } from './saga-input';

const at = (ms: number): Date => new Date(SPEC_EPOCH.getTime() + ms);

describe('decide: failed attempts with attempts left are retried with back-off', () => {
  it('schedules a retry after a technical failure and cancels the attempt timeout', () => {
    sagaSpec(placeOrder)
      .givenInputs([start, orderCreated])
      .when(failureReply(credit, 'technical'), at(50))
      .then({
        status: 'RUNNING',
        events: [
          {
            v: 1,
            at: iso(50),
            type: 'AttemptFailed',
            step: 'reserve-credit',
            direction: 'forward',
            attempt: 1,
            replyId: 's-1.reserve-credit.f.1.reply',
            failure: { kind: 'technical', code: 'HANDLER_ERROR', message: 'technical failure' },
          },
          {
            v: 1,
            at: iso(50),
            type: 'RetryScheduled',
            step: 'reserve-credit',
            direction: 'forward',
            nextAttempt: 2,
            timerId: 's-1.reserve-credit.f.2.retry',
            dueAt: iso(250),
          },
        ],
        commands: [],
        timers: {
          schedule: [timer('reserve-credit', 2, 'retry', 250, 'forward')],
          cancel: ['s-1.reserve-credit.f.1.timeout'],
        },
        state: {
          activeSteps: ['reserve-credit', 'reserve-stock'],
          steps: {
            'reserve-credit': { status: 'WAITING_RETRY', attempt: 1 },
          },
        },
      });
  });

  it('dispatches the next attempt when the retry timer fires, without cancelling that timer', () => {
    sagaSpec(placeOrder)
      .givenInputs([start, orderCreated, { input: failureReply(credit, 'technical'), at: at(50) }])
      .when(timerInput(timer('reserve-credit', 2, 'retry', 250, 'forward')), at(250))
      .then({
        eventTypes: ['CommandDispatched'],
        commands: [expect.objectContaining({ messageId: 's-1.reserve-credit.f.2', attempt: 2 })],
        timers: { schedule: [timer('reserve-credit', 2, 'timeout', 5_250, 'forward')], cancel: [] },
      });
  });

  it('fails the attempt on its timeout, marks it as maybe applied, and backs off longer', () => {
    sagaSpec(placeOrder)
      .givenInputs([
        start,
        orderCreated,
        { input: failureReply(credit, 'technical'), at: at(50) },
        { input: timerInput(timer('reserve-credit', 2, 'retry', 250, 'forward')), at: at(250) },
      ])
      .when(timerInput(timer('reserve-credit', 2, 'timeout', 5_250, 'forward')), at(5_250))
      .then({
        events: [
          expect.objectContaining({
            type: 'AttemptFailed',
            attempt: 2,
            replyId: null,
            failure: {
              kind: 'timeout',
              code: 'TIMEOUT',
              message: `no reply to attempt 2 by ${iso(5_250)}`,
            },
          }),
          expect.objectContaining({ type: 'RetryScheduled', nextAttempt: 3, dueAt: iso(5_650) }),
        ],
        // The handled timer fired: it is not cancelled.
        timers: { schedule: [timer('reserve-credit', 3, 'retry', 5_650, 'forward')], cancel: [] },
        state: {
          steps: {
            'reserve-credit': { mayHaveApplied: true },
          },
        },
      });
  });

  it('spreads the delay by a jitter derived from the timer id: the same every time', () => {
    const jittery = defineSaga('jittery', { version: 1, input: z.object({}) })
      .step('flaky', (s) =>
        s
          .invoke('svc', 'Do', () => ({}))
          .readOnly()
          .retry({ maxAttempts: 2, initialDelayMs: 1_000, jitter: 0.5 }),
      )
      .build();
    const inputs: SagaInput[] = [
      startInput('j-1', {}),
      failureReply({ sagaId: 'j-1', step: 'flaky' }, 'technical'),
    ];
    const first = decideAll(jittery, inputs).state;
    const second = decideAll(jittery, inputs).state;
    const expectedDelay = retryDelayMs(
      { maxAttempts: 2, initialDelayMs: 1_000, multiplier: 2, maxDelayMs: 30_000, jitter: 0.5 },
      1,
      'j-1.flaky.f.2.retry',
    );
    expect(expectedDelay).not.toBe(1_000);
    expect(first?.pendingTimers).toEqual([expect.objectContaining({ dueAt: iso(expectedDelay) })]);
    expect(second).toEqual(first);
  });
});

describe('decide: a compensatable step or the pivot fails for good', () => {
  it('fails the step on a business failure without retrying, then compensates', () => {
    sagaSpec(placeOrder)
      .givenInputs([start, orderCreated, successReply(stock)])
      .when(
        failureReply(credit, {
          kind: 'business',
          code: 'CREDIT_LIMIT_EXCEEDED',
          message: 'limit 10',
        }),
      )
      .then({
        status: 'COMPENSATING',
        eventTypes: ['AttemptFailed', 'StepFailed', 'CompensationStarted', 'CommandDispatched'],
        commands: [
          expect.objectContaining({
            messageId: 's-1.reserve-stock.c.1',
            command: 'ReleaseStock',
            payload: { sku: 'sku-1', quantity: 2 },
          }),
        ],
        state: {
          failure: { step: 'reserve-credit', code: 'CREDIT_LIMIT_EXCEEDED', message: 'limit 10' },
        },
      });
  });

  it('fails the step once its attempts are exhausted, with the last failure as the cause', () => {
    const decision = sagaSpec(placeOrder)
      .givenInputs([
        start,
        orderCreated,
        successReply(stock),
        failureReply(credit, 'technical'),
        timerInput(timer('reserve-credit', 2, 'retry', 200, 'forward')),
        failureReply({ ...credit, attempt: 2 }, 'technical'),
        timerInput(timer('reserve-credit', 3, 'retry', 400, 'forward')),
      ])
      .when(timerInput(timer('reserve-credit', 3, 'timeout', 5_000, 'forward')))
      .then({
        status: 'COMPENSATING',
        eventTypes: [
          'AttemptFailed',
          'StepFailed',
          'CompensationStarted',
          'CommandDispatched',
          'CommandDispatched',
        ],
      });
    const failure = {
      kind: 'timeout',
      code: 'TIMEOUT',
      message: `no reply to attempt 3 by ${iso(5_000)}`,
    };
    expect(decision.events[1]).toMatchObject({ type: 'StepFailed', failure });
    // The last attempt timed out, so the step may have applied: it is compensated together
    // with the other branch, before the earlier step.
    expect(decision.events[2]).toMatchObject({
      cause: { kind: 'step-failed', step: 'reserve-credit', failure },
      toCompensate: ['reserve-credit', 'reserve-stock', 'create-order'],
      awaiting: [],
    });
    expect(decision.commands.map((command) => command.messageId)).toEqual([
      's-1.reserve-credit.c.1',
      's-1.reserve-stock.c.1',
    ]);
    // ReleaseStock has no timeoutMs and its step no .timeout(...): the default 30 s.
    expect(decision.timers.schedule).toEqual([
      timer('reserve-credit', 1, 'timeout', 3_000, 'compensation'),
      timer('reserve-stock', 1, 'timeout', 30_000, 'compensation'),
    ]);
  });

  it('compensates the steps before the pivot when the pivot fails, never the pivot', () => {
    sagaSpec(placeOrder)
      .givenInputs([
        start,
        orderCreated,
        successReply(credit, { reservationId: 'r-1' }),
        successReply(stock),
      ])
      .when(failureReply(pivot, 'business'))
      .then({
        status: 'COMPENSATING',
        events: [
          expect.objectContaining({ type: 'AttemptFailed' }),
          expect.objectContaining({ type: 'StepFailed', step: 'approve-order' }),
          expect.objectContaining({
            type: 'CompensationStarted',
            toCompensate: ['reserve-credit', 'reserve-stock', 'create-order'],
          }),
          expect.objectContaining({ type: 'CommandDispatched', step: 'reserve-credit' }),
          expect.objectContaining({ type: 'CommandDispatched', step: 'reserve-stock' }),
        ],
        timers: {
          schedule: [
            timer('reserve-credit', 1, 'timeout', 3_000, 'compensation'),
            timer('reserve-stock', 1, 'timeout', 30_000, 'compensation'),
          ],
          cancel: ['s-1.approve-order.f.1.timeout'],
        },
      });
  });

  it('keeps retrying a pivot that may have applied past its attempts, never compensating', () => {
    const timedOut = [
      start,
      orderCreated,
      successReply(credit, { reservationId: 'r-1' }),
      successReply(stock),
      timerInput(timer('approve-order', 1, 'timeout', 5_000, 'forward')),
      timerInput(timer('approve-order', 2, 'retry', 100, 'forward')),
      timerInput(timer('approve-order', 2, 'timeout', 5_000, 'forward')),
      timerInput(timer('approve-order', 3, 'retry', 200, 'forward')),
    ];
    const decision = sagaSpec(placeOrder)
      .givenInputs(timedOut)
      .when(timerInput(timer('approve-order', 3, 'timeout', 5_000, 'forward')))
      .then({ status: 'RUNNING', eventTypes: ['AttemptFailed', 'RetryScheduled'] });
    expect(decision.state.steps['approve-order']).toMatchObject({
      status: 'WAITING_RETRY',
      attempt: 3,
      mayHaveApplied: true,
    });
  });

  it('settles an unsettled pivot by its next definitive reply', () => {
    const pastMaxAttempts = [
      start,
      orderCreated,
      successReply(credit, { reservationId: 'r-1' }),
      successReply(stock),
      timerInput(timer('approve-order', 1, 'timeout', 5_000, 'forward')),
      timerInput(timer('approve-order', 2, 'retry', 100, 'forward')),
      timerInput(timer('approve-order', 2, 'timeout', 5_000, 'forward')),
      timerInput(timer('approve-order', 3, 'retry', 200, 'forward')),
      timerInput(timer('approve-order', 3, 'timeout', 5_000, 'forward')),
      timerInput(timer('approve-order', 4, 'retry', 400, 'forward')),
    ];
    const { state: failed } = decideAll(placeOrder, [
      ...pastMaxAttempts,
      failureReply({ ...pivot, attempt: 4 }, 'business'),
    ]);
    expect(failed?.status).toBe('COMPENSATING');
    expect(failed?.steps['approve-order']).toMatchObject({ status: 'FAILED', attempt: 4 });
    expect(failed?.activeSteps).toEqual(['reserve-credit', 'reserve-stock']);

    const { state: approved } = decideAll(placeOrder, [
      ...pastMaxAttempts,
      successReply({ ...pivot, attempt: 4 }),
    ]);
    expect(approved?.steps['approve-order']).toMatchObject({ status: 'SUCCEEDED', attempt: 4 });
    expect(approved?.status).toBe('RUNNING');
  });
});

describe('decide: retriable steps retry until they succeed', () => {
  const upToNotify: readonly (SagaInput | TimedInput)[] = [
    start,
    orderCreated,
    successReply(credit, { reservationId: 'r-1' }),
    successReply(stock),
    successReply(pivot),
  ];
  const notify = { sagaId: 's-1', step: 'notify-customer' } as const;

  it('retries a business failure too', () => {
    sagaSpec(placeOrder)
      .givenInputs(upToNotify)
      .when(failureReply(notify, 'business'))
      .then({
        status: 'RUNNING',
        eventTypes: ['AttemptFailed', 'RetryScheduled'],
        timers: {
          schedule: [timer('notify-customer', 2, 'retry', 500, 'forward')],
          cancel: ['s-1.notify-customer.f.1.timeout'],
        },
      });
  });

  it('keeps retrying with the delay capped by maxDelayMs, and never fails the step', () => {
    const inputs: (SagaInput | TimedInput)[] = [...upToNotify];
    let now = 0;
    for (let attempt = 1; attempt <= 12; attempt += 1) {
      inputs.push({ input: failureReply({ ...notify, attempt }, 'technical'), at: at(now) });
      const delay = Math.min(30_000, 500 * 2 ** (attempt - 1));
      now += delay;
      inputs.push({
        input: timerInput(timer('notify-customer', attempt + 1, 'retry', now, 'forward')),
        at: at(now),
      });
    }
    const { state, events } = decideAll(placeOrder, inputs);
    expect(state?.status).toBe('RUNNING');
    expect(state?.steps['notify-customer']).toMatchObject({ status: 'RUNNING', attempt: 13 });
    expect(events.some((event) => event.type === 'StepFailed')).toBe(false);
    const delays = events.flatMap((event, index) =>
      event.type === 'RetryScheduled'
        ? [Date.parse(event.dueAt) - Date.parse(events[index - 1]?.at ?? '')]
        : [],
    );
    expect(delays.slice(-3)).toEqual([30_000, 30_000, 30_000]);
  });
});
