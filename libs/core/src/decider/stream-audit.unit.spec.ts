import { type SagaEvent } from '../model/saga-event';
import {
  decideAll,
  failureReply,
  redeliveryInput,
  startInput,
  successReply,
} from '../testing/saga-spec';
import { ORDER_INPUT, placeOrder } from './__fixtures__/place-order';
import { auditSagaStream } from './stream-audit';

const start = startInput('s-1', ORDER_INPUT);
const orderCreated = successReply({ sagaId: 's-1', step: 'create-order' }, { status: 'PENDING' });
const credit = { sagaId: 's-1', step: 'reserve-credit' } as const;
const stock = { sagaId: 's-1', step: 'reserve-stock' } as const;
const undo = (step: string) => ({ sagaId: 's-1', step, direction: 'compensation' }) as const;

const compensated = decideAll(placeOrder, [
  start,
  orderCreated,
  successReply(credit, { reservationId: 'r-1' }),
  successReply(stock),
  failureReply({ sagaId: 's-1', step: 'approve-order' }, 'business'),
  successReply(undo('reserve-stock')),
  successReply(undo('reserve-credit')),
  successReply(undo('create-order')),
  successReply(undo('create-order')),
]);
const events = compensated.events;

const invariants = (stream: readonly SagaEvent[]) =>
  auditSagaStream(placeOrder, stream).map((violation) => violation.invariant);

describe('auditSagaStream', () => {
  it('finds nothing wrong in a stream the decider wrote, with its projection', () => {
    expect(compensated.state?.status).toBe('COMPENSATED');
    expect(auditSagaStream(placeOrder, events, compensated.state)).toEqual([]);
  });

  it('accepts redeliveries anywhere in the stream, also after the end', () => {
    const withRedeliveries = decideAll(placeOrder, [
      start,
      redeliveryInput('dead-letter-replay'),
      orderCreated,
      successReply(credit, { reservationId: 'r-1' }),
      redeliveryInput('event-process-retry'),
      successReply(stock),
      failureReply({ sagaId: 's-1', step: 'approve-order' }, 'business'),
      successReply(undo('reserve-stock')),
      successReply(undo('reserve-credit')),
      successReply(undo('create-order')),
      redeliveryInput('dead-letter-replay', { deadLetterId: 'dl-2' }),
      successReply(undo('create-order')),
      redeliveryInput('event-process-retry', { messageId: null }),
    ]);
    expect(withRedeliveries.state?.status).toBe('COMPENSATED');
    expect(withRedeliveries.events.at(-3)?.type).toBe('MessageRedelivered');
    expect(auditSagaStream(placeOrder, withRedeliveries.events, withRedeliveries.state)).toEqual(
      [],
    );
  });

  it('reports a projection that is not the fold', () => {
    const state = compensated.state;
    if (state === null) throw new Error('no state');
    const stale = { ...state, status: 'COMPENSATING' as const, version: state.version - 1 };
    expect(auditSagaStream(placeOrder, events, stale)).toEqual([
      expect.objectContaining({ invariant: 'projection' }),
    ]);
  });

  it('reports a stream that does not fold', () => {
    expect(invariants(events.slice(1))).toEqual(['fold']);
  });

  it('reports a command dispatched twice and a step compensated twice', () => {
    const dispatch = events.find((e) => e.type === 'CommandDispatched');
    const undone = events.find((e) => e.type === 'StepCompensated' && e.step === 'create-order');
    if (dispatch === undefined || undone === undefined) throw new Error('fixture');
    const end = events.length - 2;
    expect(invariants([...events.slice(0, 3), dispatch, ...events.slice(3)])).toEqual([
      'command-twice',
    ]);
    expect(invariants([...events.slice(0, end), undone, ...events.slice(end)])).toEqual([
      'compensated-twice',
    ]);
  });

  it('reports compensations out of order, a forward command after compensation, and events after the end', () => {
    const index = (predicate: (e: SagaEvent) => boolean) => events.findIndex(predicate);
    const creditUndone = index((e) => e.type === 'StepCompensated' && e.step === 'reserve-credit');
    const orderUndo = index(
      (e) =>
        e.type === 'CommandDispatched' &&
        e.direction === 'compensation' &&
        e.step === 'create-order',
    );
    const reordered = [...events];
    const [moved] = reordered.splice(orderUndo, 1);
    if (moved === undefined) throw new Error('fixture');
    reordered.splice(creditUndone, 0, moved);
    expect(invariants(reordered)).toContain('compensation-order');

    const forward = events.find((e) => e.type === 'CommandDispatched' && e.direction === 'forward');
    if (forward === undefined) throw new Error('fixture');
    const late = { ...forward, messageId: 's-1.create-order.f.9', attempt: 9 };
    const compensationStart = index((e) => e.type === 'CompensationStarted');
    const withForward = [...events];
    withForward.splice(compensationStart + 1, 0, late);
    expect(invariants(withForward)).toContain('forward-after-compensation');

    const terminal = events.at(-2);
    if (terminal === undefined) throw new Error('fixture');
    expect(terminal.type).toBe('SagaCompensated');
    expect(invariants([...events, terminal])).toEqual(['after-end']);
  });
});
