import { IllegalSagaActionError } from '../errors/errors';
import { type SagaEvent } from '../model/saga-event';
import { decideAll, SPEC_EPOCH, startInput, successReply } from '../testing/saga-spec';
import { ORDER_INPUT, placeOrder } from './__fixtures__/place-order';
import { evolve, foldEvents } from './evolve';

const at = SPEC_EPOCH.toISOString();
const started: SagaEvent = {
  v: 1,
  at,
  type: 'SagaStarted',
  sagaId: 's-1',
  sagaType: 'place-order',
  sagaVersion: 1,
  businessKey: null,
  input: { orderId: 'o-1' },
};

describe('evolve', () => {
  it('starts a saga from SagaStarted', () => {
    expect(evolve(null, started)).toEqual({
      sagaId: 's-1',
      sagaType: 'place-order',
      sagaVersion: 1,
      businessKey: null,
      status: 'RUNNING',
      input: { orderId: 'o-1' },
      data: { orderId: 'o-1' },
      version: 1,
      steps: {},
      activeSteps: [],
      pendingTimers: [],
      failure: null,
      startedAt: at,
      updatedAt: at,
      endedAt: null,
    });
  });

  it('refuses a stream that does not begin with SagaStarted, or starts twice', () => {
    expect(() => evolve(null, { v: 1, at, type: 'SagaCompleted' })).toThrow(
      new IllegalSagaActionError(
        'cannot apply SagaCompleted to a saga that does not exist: the first event must be SagaStarted',
      ),
    );
    expect(() => evolve(evolve(null, started), started)).toThrow(
      "cannot apply SagaStarted to saga 's-1' at version 1: the saga was already started",
    );
  });

  it('refuses an event about a step that was never dispatched', () => {
    expect(() =>
      evolve(evolve(null, started), {
        v: 1,
        at,
        type: 'StepSucceeded',
        step: 'create-order',
        attempt: 1,
        replyId: 'r-1',
        patch: {},
      }),
    ).toThrow(
      "cannot apply StepSucceeded to saga 's-1' at version 1: step 'create-order' was never dispatched",
    );
  });

  it('keeps the state when recording an operator action or an ignored input', () => {
    const state = evolve(null, started);
    const later = '2030-01-01T00:01:00.000Z';
    expect(
      evolve(state, {
        v: 1,
        at: later,
        type: 'InputIgnored',
        input: 'reply',
        inputId: 'r-9',
        step: null,
        attempt: null,
        reason: 'unknown-step',
      }),
    ).toEqual({ ...state, version: 2, updatedAt: later });
  });

  it('keeps the state when recording a redelivery, also after the saga ended', () => {
    const redelivered: SagaEvent = {
      v: 1,
      at: '2030-01-02T00:00:00.000Z',
      type: 'MessageRedelivered',
      kind: 'dead-letter-replay',
      consumer: 'ledger',
      messageId: 's-1.create-order.f.1',
      deadLetterId: '5',
      actor: 'ann',
      reason: 'replayed after the fix',
    };
    const running = evolve(null, started);
    expect(evolve(running, redelivered)).toEqual({
      ...running,
      version: 2,
      updatedAt: redelivered.at,
    });
    const ended = evolve(running, { v: 1, at, type: 'SagaCompleted' });
    expect(evolve(ended, redelivered)).toEqual({
      ...ended,
      version: 3,
      updatedAt: redelivered.at,
    });
    expect(ended).toMatchObject({ status: 'COMPLETED', endedAt: at });
  });
});

describe('foldEvents', () => {
  it('is null for an empty stream', () => {
    expect(foldEvents([])).toBeNull();
  });

  it('rebuilds the state the decider returned', () => {
    const { events, state } = decideAll(placeOrder, [
      startInput('s-1', ORDER_INPUT),
      successReply({ sagaId: 's-1', step: 'create-order' }, { status: 'PENDING' }),
    ]);
    expect(foldEvents(events)).toEqual(state);
    expect(state?.version).toBe(events.length);
  });
});
