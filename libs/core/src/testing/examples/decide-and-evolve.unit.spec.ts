import { decide, foldEvents } from '../../index';
import { placeOrder } from './place-order-saga';

it('decide returns what to do; folding the events gives the state', () => {
  const now = new Date('2030-01-01T00:00:00Z');
  const input = { orderId: 'o-1', customerId: 'c-1', sku: 'sku-1', quantity: 2, amount: 50 };

  const started = decide(
    placeOrder,
    null,
    { type: 'start', sagaId: 's-1', input, businessKey: 'o-1' },
    now,
  );
  expect(started.events.map((e) => e.type)).toEqual(['SagaStarted', 'CommandDispatched']);
  expect(started.commands.map((c) => c.messageId)).toEqual(['s-1.create-order.f.1']);

  const created = decide(
    placeOrder,
    started.state,
    {
      type: 'reply',
      replyId: 'r-1',
      sagaId: 's-1',
      step: 'create-order',
      direction: 'forward',
      attempt: 1,
      outcome: 'success',
      payload: { status: 'PENDING' },
    },
    now,
  );
  expect(created.commands.map((c) => c.command)).toEqual(['ReserveCredit', 'ReserveStock']);
  expect(created.timers.schedule.map((t) => t.timerId)).toEqual([
    's-1.reserve-credit.f.1.timeout',
    's-1.reserve-stock.f.1.timeout',
  ]);
  expect(created.state.data).toMatchObject({ orderStatus: 'PENDING' });
  expect(foldEvents([...started.events, ...created.events])).toEqual(created.state);
});
