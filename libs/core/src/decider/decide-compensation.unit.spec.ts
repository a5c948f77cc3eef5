import { z } from 'zod';
import { defineSaga } from '../definition/define-saga';
import { DefinitionError } from '../errors/errors';
import {
  decideAll,
  failureReply,
  sagaSpec,
  SPEC_EPOCH,
  startInput,
  successReply,
  timerInput,
} from '../testing/saga-spec';
import {
  compensatingGroup,
  credit,
  iso,
  orderCreated,
  start,
  stock,
  timer,
  undo,
} from './__fixtures__/order-inputs';
import { placeOrder } from './__fixtures__/place-order';
import { decide } from './decide';

describe('decide: compensation order', () => {
  it('undoes the branches of a group together, then the earlier step', () => {
    sagaSpec(placeOrder)
      .givenInputs([...compensatingGroup, successReply(undo('reserve-stock'))])
      .when(successReply(undo('reserve-credit')))
      .then({
        status: 'COMPENSATING',
        events: [
          {
            v: 1,
            at: SPEC_EPOCH.toISOString(),
            type: 'StepCompensated',
            step: 'reserve-credit',
            attempt: 1,
            replyId: 's-1.reserve-credit.c.1.reply',
          },
          expect.objectContaining({
            type: 'CommandDispatched',
            step: 'create-order',
            direction: 'compensation',
            command: 'RejectOrder',
          }),
        ],
        timers: {
          // RejectOrder inherits create-order's timeout: the default 30 s.
          schedule: [timer('create-order', 1, 'timeout', 30_000, 'compensation')],
          cancel: ['s-1.reserve-credit.c.1.timeout'],
        },
      });
  });

  it('does not move to the earlier step while a branch is still being compensated', () => {
    sagaSpec(placeOrder)
      .givenInputs(compensatingGroup)
      .when(successReply(undo('reserve-stock')))
      .then({ eventTypes: ['StepCompensated'], commands: [] });
  });

  it('ends COMPENSATED once the first step is undone', () => {
    sagaSpec(placeOrder)
      .givenInputs([
        ...compensatingGroup,
        successReply(undo('reserve-stock')),
        successReply(undo('reserve-credit')),
      ])
      .when(successReply(undo('create-order')))
      .then({
        status: 'COMPENSATED',
        eventTypes: ['StepCompensated', 'SagaCompensated'],
        state: {
          endedAt: SPEC_EPOCH.toISOString(),
          activeSteps: [],
          pendingTimers: [],
          failure: { step: 'approve-order', code: 'REFUSED', message: 'business failure' },
        },
      });
  });

  it('compensates at once when nothing may have applied', () => {
    sagaSpec(placeOrder)
      .givenInputs([start])
      .when(failureReply({ sagaId: 's-1', step: 'create-order' }, 'business'))
      .then({
        status: 'COMPENSATED',
        events: [
          expect.objectContaining({ type: 'AttemptFailed' }),
          expect.objectContaining({ type: 'StepFailed' }),
          expect.objectContaining({ type: 'CompensationStarted', toCompensate: [], awaiting: [] }),
          expect.objectContaining({ type: 'SagaCompensated' }),
        ],
        commands: [],
      });
  });

  it('skips read-only steps', () => {
    const withLookup = defineSaga('with-lookup', { version: 1, input: z.object({}) })
      .step('reserve', (s) =>
        s.invoke('svc', 'Reserve', () => ({})).compensate('svc', 'Release', () => ({})),
      )
      .step('lookup', (s) => s.invoke('svc', 'Lookup', () => ({})).readOnly())
      .pivot('charge', (s) => s.invoke('svc', 'Charge', () => ({})))
      .build();
    sagaSpec(withLookup)
      .givenInputs([
        startInput('w-1', {}),
        successReply({ sagaId: 'w-1', step: 'reserve' }),
        successReply({ sagaId: 'w-1', step: 'lookup' }),
      ])
      .when(failureReply({ sagaId: 'w-1', step: 'charge' }, 'business'))
      .then({
        events: [
          expect.objectContaining({ type: 'AttemptFailed' }),
          expect.objectContaining({ type: 'StepFailed' }),
          expect.objectContaining({ type: 'CompensationStarted', toCompensate: ['reserve'] }),
          expect.objectContaining({ type: 'CommandDispatched', step: 'reserve' }),
        ],
      });
  });
});

describe('decide: a branch in flight when compensation starts is waited for', () => {
  const creditRefused = [start, orderCreated, failureReply(credit, 'business')];

  it('records the branch as awaited and dispatches nothing while it is in flight', () => {
    sagaSpec(placeOrder)
      .givenInputs([start, orderCreated])
      .when(failureReply(credit, 'business'))
      .then({
        status: 'COMPENSATING',
        events: [
          expect.objectContaining({ type: 'AttemptFailed' }),
          expect.objectContaining({ type: 'StepFailed' }),
          expect.objectContaining({
            type: 'CompensationStarted',
            toCompensate: ['create-order'],
            awaiting: ['reserve-stock'],
          }),
        ],
        commands: [],
        timers: { schedule: [], cancel: ['s-1.reserve-credit.f.1.timeout'] },
      });
  });

  it('compensates the branch when it then replies success', () => {
    sagaSpec(placeOrder)
      .givenInputs(creditRefused)
      .when(successReply(stock))
      .then({
        eventTypes: ['StepSucceeded', 'CommandDispatched'],
        commands: [expect.objectContaining({ messageId: 's-1.reserve-stock.c.1' })],
      });
  });

  it('does not compensate the branch when it then replies failure', () => {
    sagaSpec(placeOrder)
      .givenInputs(creditRefused)
      .when(failureReply(stock, 'technical'))
      .then({
        eventTypes: ['AttemptFailed', 'StepFailed', 'CommandDispatched'],
        commands: [expect.objectContaining({ messageId: 's-1.create-order.c.1' })],
      });
  });

  it('compensates a branch that times out: its outcome is unknown', () => {
    sagaSpec(placeOrder)
      .givenInputs([start, orderCreated, failureReply(stock, 'business')])
      .when(timerInput(timer('reserve-credit', 1, 'timeout', 5_000, 'forward')))
      .then({
        eventTypes: ['AttemptFailed', 'StepFailed', 'CommandDispatched'],
        commands: [expect.objectContaining({ messageId: 's-1.reserve-credit.c.1' })],
      });
  });

  it('cancels a pending forward retry: nothing moves forward once compensating', () => {
    sagaSpec(placeOrder)
      .givenInputs([start, orderCreated, failureReply(credit, 'technical')])
      .when(failureReply(stock, 'business'))
      .then({
        eventTypes: ['AttemptFailed', 'StepFailed', 'CompensationStarted', 'CommandDispatched'],
        commands: [expect.objectContaining({ messageId: 's-1.create-order.c.1' })],
        timers: {
          schedule: [timer('create-order', 1, 'timeout', 30_000, 'compensation')],
          cancel: ['s-1.reserve-stock.f.1.timeout', 's-1.reserve-credit.f.2.retry'],
        },
        state: {
          steps: {
            'reserve-credit': { status: 'FAILED' },
          },
        },
      });
  });
});

describe('decide: failed compensations', () => {
  it('retries a technical failure per the compensation policy, with its timeout', () => {
    const decision = sagaSpec(placeOrder)
      .givenInputs(compensatingGroup)
      .when(failureReply(undo('reserve-credit'), 'technical'))
      .then({
        status: 'COMPENSATING',
        eventTypes: ['AttemptFailed', 'RetryScheduled'],
        timers: {
          schedule: [timer('reserve-credit', 2, 'retry', 1_000, 'compensation')],
          cancel: ['s-1.reserve-credit.c.1.timeout'],
        },
      });
    expect(decision.state.steps['reserve-credit']?.status).toBe('COMPENSATION_WAITING_RETRY');
    sagaSpec(placeOrder)
      .givenInputs([...compensatingGroup, failureReply(undo('reserve-credit'), 'technical')])
      .when(timerInput(timer('reserve-credit', 2, 'retry', 1_000, 'compensation')))
      .then({
        commands: [expect.objectContaining({ messageId: 's-1.reserve-credit.c.2' })],
        timers: {
          schedule: [timer('reserve-credit', 2, 'timeout', 3_000, 'compensation')],
          cancel: [],
        },
      });
  });

  it('parks the saga when its compensation failed by reply as often as the policy allows', () => {
    sagaSpec(placeOrder)
      .givenInputs([
        ...compensatingGroup,
        failureReply(undo('reserve-credit', 1), 'technical'),
        timerInput(timer('reserve-credit', 2, 'retry', 1_000, 'compensation')),
      ])
      .when(failureReply(undo('reserve-credit', 2), 'technical'))
      .then({
        status: 'COMPENSATION_FAILED',
        events: [
          expect.objectContaining({ type: 'AttemptFailed', direction: 'compensation' }),
          expect.objectContaining({
            type: 'CompensationFailed',
            step: 'reserve-credit',
            failure: { kind: 'technical', code: 'HANDLER_ERROR', message: 'technical failure' },
          }),
        ],
        state: {
          activeSteps: ['reserve-stock'],
          steps: {
            'reserve-credit': {
              status: 'COMPENSATION_FAILED',
              compensationAttempt: 2,
              compensationFailures: 2,
            },
          },
        },
      });
  });

  it('parks the saga at once on a business failure of a compensation', () => {
    sagaSpec(placeOrder)
      .givenInputs(compensatingGroup)
      .when(failureReply(undo('reserve-stock'), 'business'))
      .then({ status: 'COMPENSATION_FAILED', eventTypes: ['AttemptFailed', 'CompensationFailed'] });
  });

  it('keeps handling the other branches while parked, but goes no further back', () => {
    sagaSpec(placeOrder)
      .givenInputs([...compensatingGroup, failureReply(undo('reserve-stock'), 'business')])
      .when(successReply(undo('reserve-credit')))
      .then({ status: 'COMPENSATION_FAILED', eventTypes: ['StepCompensated'], commands: [] });
  });

  it('uses the step timeout for a compensation without its own', () => {
    const timed = defineSaga('timed', { version: 1, input: z.object({}) })
      .step('hold', (s) =>
        s
          .invoke('svc', 'Hold', () => ({}))
          .compensate('svc', 'Release', () => ({}))
          .timeout(700),
      )
      .pivot('commit', (s) => s.invoke('svc', 'Commit', () => ({})))
      .build();
    const { decisions } = decideAll(timed, [
      startInput('t-1', {}),
      successReply({ sagaId: 't-1', step: 'hold' }),
      failureReply({ sagaId: 't-1', step: 'commit' }, 'business'),
    ]);
    expect(decisions[2]?.events.at(-1)).toMatchObject({
      type: 'CommandDispatched',
      direction: 'compensation',
      timeoutAt: iso(700),
    });
  });
});

describe('decide: a definition changed without a new version', () => {
  it('refuses to dispatch a compensation the definition no longer has', () => {
    const before = defineSaga('drifting', { version: 1, input: z.object({}) })
      .step('hold', (s) =>
        s
          .invoke('svc', 'Hold', () => ({}))
          .compensate('svc', 'Release', () => ({}), { retry: { maxAttempts: 2, jitter: 0 } }),
      )
      .pivot('commit', (s) => s.invoke('svc', 'Commit', () => ({})))
      .build();
    const after = defineSaga('drifting', { version: 1, input: z.object({}) })
      .step('hold', (s) => s.invoke('svc', 'Hold', () => ({})).readOnly())
      .pivot('commit', (s) => s.invoke('svc', 'Commit', () => ({})))
      .build();
    const { state } = decideAll(before, [
      startInput('d-1', {}),
      successReply({ sagaId: 'd-1', step: 'hold' }),
      failureReply({ sagaId: 'd-1', step: 'commit' }, 'business'),
      failureReply({ sagaId: 'd-1', step: 'hold', direction: 'compensation' }, 'technical'),
    ]);
    const [retry] = state?.pendingTimers ?? [];
    expect(retry).toMatchObject({ purpose: 'retry', direction: 'compensation' });
    expect(() => retry && decide(after, state, timerInput(retry), SPEC_EPOCH)).toThrow(
      new DefinitionError(
        "saga 'drifting' v1 step 'hold' has no compensation, but the saga dispatched one: the definition changed without a new version",
      ),
    );
  });
});
