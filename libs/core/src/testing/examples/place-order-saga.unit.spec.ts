import { BusinessError } from '../../index';
import { createSagaTestKit, type ParticipantHandlers } from '../index';
import { placeOrder } from './place-order-saga';

/** In-memory participants with just enough state to check the outcome. */
function services() {
  const orders = new Map<string, string>();
  const credit = new Map<string, number>();
  const stock = new Map<string, number>([['sku-1', 5]]);
  const participants: ParticipantHandlers = {
    'order-service': {
      CreateOrder: (p: { orderId: string }) => {
        orders.set(p.orderId, 'PENDING');
        return { status: 'PENDING' };
      },
      RejectOrder: (p: { orderId: string }) => {
        orders.set(p.orderId, 'REJECTED');
        return {};
      },
      ApproveOrder: (p: { orderId: string }) => {
        orders.set(p.orderId, 'APPROVED');
        return {};
      },
    },
    'payment-service': {
      ReserveCredit: (p: { orderId: string; amount: number }) => {
        if (p.amount > 100) throw new BusinessError('CREDIT_LIMIT_EXCEEDED', `${p.amount} > 100`);
        credit.set(p.orderId, p.amount);
        return {};
      },
      ReleaseCredit: (p: { orderId: string }) => {
        credit.delete(p.orderId);
        return {};
      },
    },
    'inventory-service': {
      ReserveStock: (p: { sku: string; quantity: number }) => {
        const left = (stock.get(p.sku) ?? 0) - p.quantity;
        if (left < 0) throw new BusinessError('OUT_OF_STOCK', `${p.sku} is out of stock`);
        stock.set(p.sku, left);
        return {};
      },
      ReleaseStock: () => {
        stock.set('sku-1', 5);
        return {};
      },
    },
    'notification-service': { NotifyCustomer: () => ({}) },
  };
  return { participants, orders, credit, stock };
}

const order = { orderId: 'o-1', customerId: 'c-1', sku: 'sku-1', quantity: 2, amount: 50 };

describe('place-order saga', () => {
  it('completes: order approved, credit and stock held once', async () => {
    const { participants, orders, credit, stock } = services();
    const kit = createSagaTestKit({ definitions: [placeOrder], participants });

    const { sagaId } = await kit.start('place-order', order, { businessKey: 'o-1' });
    await kit.runUntilIdle();

    expect(kit.state(sagaId).status).toBe('COMPLETED');
    expect(orders.get('o-1')).toBe('APPROVED');
    expect(credit.get('o-1')).toBe(50);
    expect(stock.get('sku-1')).toBe(3);
    expect(kit.sentCommands({ sagaId }).map((c) => c.command)).toEqual([
      'CreateOrder',
      'ReserveCredit',
      'ReserveStock',
      'ApproveOrder',
      'NotifyCustomer',
    ]);
  });

  it('credit limit exceeded: stock released, order rejected, saga compensated', async () => {
    const { participants, orders, credit, stock } = services();
    const kit = createSagaTestKit({ definitions: [placeOrder], participants });

    const { sagaId } = await kit.start('place-order', { ...order, amount: 500 });
    await kit.runUntilIdle();

    expect(kit.state(sagaId)).toMatchObject({
      status: 'COMPENSATED',
      failure: { step: 'reserve-credit', code: 'CREDIT_LIMIT_EXCEEDED' },
    });
    expect(kit.sentCommands({ direction: 'compensation' }).map((c) => c.command)).toEqual([
      'ReleaseStock',
      'RejectOrder',
    ]);
    expect(orders.get('o-1')).toBe('REJECTED');
    expect(credit.size).toBe(0);
    expect(stock.get('sku-1')).toBe(5);
  });

  it('payment-service does not answer: retried per policy, then compensated', async () => {
    const { participants, orders } = services();
    const kit = createSagaTestKit({ definitions: [placeOrder], participants });
    kit.faults('payment-service', 'ReserveCredit').dropNext().dropNext().dropNext();

    const { sagaId } = await kit.start('place-order', order);
    await kit.runUntilIdle();
    await kit.advanceTime(60_000);

    expect(kit.state(sagaId).status).toBe('COMPENSATED');
    expect(kit.sentCommands({ command: 'ReserveCredit' }).map((c) => c.attempt)).toEqual([1, 2, 3]);
    expect(orders.get('o-1')).toBe('REJECTED');
    // The timed-out step is compensated too; its command never arrived: nothing to undo.
    expect(kit.nothingToUndo().map((c) => c.command)).toEqual(['ReleaseCredit']);
    expect(kit.handledCommands({ command: 'ReleaseCredit' })).toEqual([]);
  });

  it('a compensation refused by a business failure parks at once; an operator resolves it', async () => {
    const { participants } = services();
    const kit = createSagaTestKit({ definitions: [placeOrder], participants });
    kit.faults('order-service', 'RejectOrder').failOnce({ kind: 'business', code: 'SHIPPED' });

    const { sagaId } = await kit.start('place-order', { ...order, amount: 500 });
    await kit.runUntilIdle();

    expect(kit.state(sagaId)).toMatchObject({
      status: 'COMPENSATION_FAILED',
      steps: { 'create-order': { status: 'COMPENSATION_FAILED' } },
    });
    expect(kit.sentCommands({ command: 'RejectOrder' })).toHaveLength(1);

    // The order was undone by hand: say so, with who and why.
    await kit.engine.act(sagaId, {
      action: 'resolve',
      actor: 'ops@example.com',
      reason: 'order cancelled by hand',
      step: 'create-order',
    });
    expect(kit.state(sagaId).status).toBe('COMPENSATED');
  });

  it('a compensation failing technically is tried 5 times, then parks; an operator retries it', async () => {
    const { participants, orders } = services();
    const kit = createSagaTestKit({ definitions: [placeOrder], participants });
    kit.faults('order-service', 'RejectOrder').failAlways({ kind: 'technical' });

    const { sagaId } = await kit.start('place-order', { ...order, amount: 500 });
    await kit.advanceTime(60_000);

    expect(kit.state(sagaId).status).toBe('COMPENSATION_FAILED');
    expect(kit.sentCommands({ command: 'RejectOrder' })).toHaveLength(5);

    kit.faults('order-service', 'RejectOrder').reset();
    await kit.engine.act(sagaId, {
      action: 'retry-compensation',
      actor: 'ops@example.com',
      reason: 'order-service fixed',
    });
    await kit.runUntilIdle();

    expect(kit.state(sagaId).status).toBe('COMPENSATED');
    expect(orders.get('o-1')).toBe('REJECTED');
  });

  it('an operator aborts a saga before its pivot: what applied is undone', async () => {
    const { participants, orders } = services();
    const kit = createSagaTestKit({ definitions: [placeOrder], participants });

    const { sagaId } = await kit.start('place-order', order);
    await kit.engine.act(sagaId, { action: 'abort', actor: 'ops', reason: 'customer called' });
    await kit.runUntilIdle();

    expect(kit.state(sagaId)).toMatchObject({
      status: 'COMPENSATED',
      failure: { code: 'ABORTED' },
    });
    expect(kit.sentCommands({ sagaId }).map((c) => c.command)).toEqual([
      'CreateOrder',
      'RejectOrder',
    ]);
    expect(orders.get('o-1')).toBe('REJECTED');
  });

  it('duplicated commands change nothing: each handler runs once', async () => {
    const { participants, stock } = services();
    const kit = createSagaTestKit({ definitions: [placeOrder], participants });
    kit.faults('inventory-service', 'ReserveStock').duplicateCommands();

    const { sagaId } = await kit.start('place-order', order);
    await kit.runUntilIdle();

    expect(kit.state(sagaId).status).toBe('COMPLETED');
    expect(stock.get('sku-1')).toBe(3);
    expect(kit.duplicates({ command: 'ReserveStock' })).toHaveLength(1);
  });

  it('a second start with the same business key returns the first saga', async () => {
    const kit = createSagaTestKit({
      definitions: [placeOrder],
      participants: services().participants,
    });

    const first = await kit.start('place-order', order, { businessKey: 'o-1' });
    const second = await kit.start('place-order', order, { businessKey: 'o-1' });

    expect(second).toMatchObject({ sagaId: first.sagaId, created: false });
  });
});
