import { BusinessError, InvalidSagaInputError, toMermaid } from '@sagaflow/core';
import { createSagaTestKit, type ParticipantHandlers } from '@sagaflow/core/testing';

import packageJson from '../../package.json';
import { definitions } from './index';
import { placeOrder, placeOrderBusinessKey, placeOrderSaga } from './place-order.saga';

/**
 * In-memory services with the example services' rules, replies as their contracts have them
 * (the saga checks them), and just enough state to check.
 */
function services() {
  const orders = new Map<string, string>();
  const notified = new Set<string>();
  const creditLimit = new Map<string, number>([['c-1', 100]]);
  const credit = new Map<string, number>();
  const stock = new Map<string, number>([['sku-1', 5]]);
  const stockHeld = new Map<string, number>();
  const reserved = (customerId: string) =>
    [...credit.entries()]
      .filter(([orderId]) => orderId.startsWith(customerId))
      .reduce((sum, [, amount]) => sum + amount, 0);
  const participants: ParticipantHandlers = {
    'order-service': {
      CreateOrder: (p: { orderId: string }) => {
        orders.set(p.orderId, 'PENDING');
        return { orderId: p.orderId, status: 'PENDING' };
      },
      RejectOrder: (p: { orderId: string }) => {
        if (orders.get(p.orderId) === 'PENDING') orders.set(p.orderId, 'REJECTED');
        return { orderId: p.orderId, status: orders.get(p.orderId) ?? 'ABSENT' };
      },
      ApproveOrder: (p: { orderId: string }) => {
        orders.set(p.orderId, 'APPROVED');
        return { orderId: p.orderId, status: 'APPROVED' };
      },
      NotifyCustomer: (p: { orderId: string }) => {
        notified.add(p.orderId);
        return { orderId: p.orderId, notified: true };
      },
    },
    'payment-service': {
      ReserveCredit: (p: { orderId: string; customerId: string; amount: number }) => {
        const limit = creditLimit.get(p.customerId);
        if (limit === undefined) throw new BusinessError('UNKNOWN_CUSTOMER', p.customerId);
        const available = limit - reserved(p.customerId);
        if (available < p.amount) {
          throw new BusinessError('CREDIT_LIMIT_EXCEEDED', `${available} < ${p.amount}`);
        }
        credit.set(p.orderId, p.amount);
        return { ...p, creditAvailable: available - p.amount };
      },
      ReleaseCredit: (p: { orderId: string }) => {
        const released = credit.get(p.orderId) ?? 0;
        credit.delete(p.orderId);
        return { orderId: p.orderId, released };
      },
    },
    'inventory-service': {
      ReserveStock: (p: { orderId: string; sku: string; quantity: number }) => {
        const available = stock.get(p.sku) ?? 0;
        if (available < p.quantity) throw new BusinessError('OUT_OF_STOCK', p.sku);
        stock.set(p.sku, available - p.quantity);
        stockHeld.set(p.orderId, p.quantity);
        return { ...p, available: available - p.quantity };
      },
      ReleaseStock: (p: { orderId: string }) => {
        const held = stockHeld.get(p.orderId) ?? 0;
        stock.set('sku-1', (stock.get('sku-1') ?? 0) + held);
        stockHeld.delete(p.orderId);
        return { orderId: p.orderId, released: held };
      },
    },
  };
  return { participants, orders, notified, credit, stock };
}

const order = { orderId: 'c-1-o-1', customerId: 'c-1', sku: 'sku-1', quantity: 2, amount: 60 };

describe('place-order saga', () => {
  it('completes: order approved, credit and stock held once, customer notified', async () => {
    const { participants, orders, notified, credit, stock } = services();
    const kit = createSagaTestKit({ definitions: [placeOrder], participants });

    const { sagaId } = await kit.start(placeOrder, order, {
      businessKey: placeOrderBusinessKey(order),
    });
    await kit.runUntilIdle();

    expect(kit.state(sagaId)).toMatchObject({
      status: 'COMPLETED',
      businessKey: 'c-1-o-1',
      data: { creditAvailable: 40, orderStatus: 'APPROVED' },
    });
    expect(kit.sentCommands({ sagaId }).map((c) => c.command)).toEqual([
      'CreateOrder',
      'ReserveCredit',
      'ReserveStock',
      'ApproveOrder',
      'NotifyCustomer',
    ]);
    expect(orders.get('c-1-o-1')).toBe('APPROVED');
    expect(credit.get('c-1-o-1')).toBe(60);
    expect(stock.get('sku-1')).toBe(3);
    expect(notified.has('c-1-o-1')).toBe(true);
  });

  it('credit limit exceeded: order rejected, stock never touched, saga compensated', async () => {
    const { participants, orders, credit, stock } = services();
    const kit = createSagaTestKit({ definitions: [placeOrder], participants });

    const { sagaId } = await kit.start(placeOrder, { ...order, amount: 500 });
    await kit.runUntilIdle();

    expect(kit.state(sagaId)).toMatchObject({
      status: 'COMPENSATED',
      failure: { step: 'reserve-credit', code: 'CREDIT_LIMIT_EXCEEDED' },
    });
    expect(kit.sentCommands({ direction: 'compensation' }).map((c) => c.command)).toEqual([
      'RejectOrder',
    ]);
    expect(kit.sentCommands({ command: 'ReserveCredit' })).toHaveLength(1);
    expect(kit.sentCommands({ command: 'ReserveStock' })).toHaveLength(0);
    expect(orders.get('c-1-o-1')).toBe('REJECTED');
    expect(credit.size).toBe(0);
    expect(stock.get('sku-1')).toBe(5);
  });

  it('out of stock: credit released, order rejected, saga compensated', async () => {
    const { participants, orders, credit, stock } = services();
    const kit = createSagaTestKit({ definitions: [placeOrder], participants });

    const { sagaId } = await kit.start(placeOrder, { ...order, quantity: 9 });
    await kit.runUntilIdle();

    expect(kit.state(sagaId)).toMatchObject({
      status: 'COMPENSATED',
      failure: { step: 'reserve-stock', code: 'OUT_OF_STOCK' },
    });
    expect(kit.sentCommands({ direction: 'compensation' }).map((c) => c.command)).toEqual([
      'ReleaseCredit',
      'RejectOrder',
    ]);
    expect(orders.get('c-1-o-1')).toBe('REJECTED');
    expect(credit.size).toBe(0);
    expect(stock.get('sku-1')).toBe(5);
  });

  it('inventory-service does not answer: each attempt times out, then everything is undone', async () => {
    const { participants, orders, credit, stock } = services();
    const definition = placeOrderSaga({ stepTimeoutMs: 1_000, maxAttempts: 3 });
    const kit = createSagaTestKit({ definitions: [definition], participants });
    kit.faults('inventory-service', 'ReserveStock').dropNext().dropNext().dropNext();

    const { sagaId } = await kit.start(definition, order);
    await kit.runUntilIdle();
    expect(kit.state(sagaId).status).toBe('RUNNING');
    await kit.advanceTime(60_000);

    expect(kit.state(sagaId)).toMatchObject({
      status: 'COMPENSATED',
      failure: { step: 'reserve-stock', code: 'TIMEOUT' },
    });
    expect(kit.sentCommands({ command: 'ReserveStock' }).map((c) => c.attempt)).toEqual([1, 2, 3]);
    // A timed-out step may have applied: it is compensated too.
    expect(kit.sentCommands({ direction: 'compensation' }).map((c) => c.command)).toEqual([
      'ReleaseStock',
      'ReleaseCredit',
      'RejectOrder',
    ]);
    expect(orders.get('c-1-o-1')).toBe('REJECTED');
    expect(credit.size).toBe(0);
    expect(stock.get('sku-1')).toBe(5);
  });

  it('keeps notifying the customer after the pivot until it succeeds', async () => {
    const { participants, notified } = services();
    const kit = createSagaTestKit({ definitions: [placeOrder], participants });
    kit.faults('order-service', 'NotifyCustomer').failTimes(4, { kind: 'technical' });

    const { sagaId } = await kit.start(placeOrder, order);
    await kit.runUntilIdle();
    await kit.advanceTime(60_000);

    expect(kit.state(sagaId).status).toBe('COMPLETED');
    expect(kit.sentCommands({ command: 'NotifyCustomer' }).map((c) => c.attempt)).toEqual([
      1, 2, 3, 4, 5,
    ]);
    expect(notified.has('c-1-o-1')).toBe(true);
  });

  it.each([
    ['an amount DECIMAL(12,2) cannot hold', { amount: 1e308 }, 'amount'],
    ['a fraction of a cent', { amount: 0.001 }, 'amount'],
    ['more than 1000 units', { quantity: 1001 }, 'quantity'],
  ])('refuses to start with %s, naming the field, before any command', async (_, bad, field) => {
    const { participants } = services();
    const kit = createSagaTestKit({ definitions: [placeOrder], participants });

    // The orchestrator answers this error with 400 and its issues.
    const start = kit.start(placeOrder, { ...order, ...bad });

    await expect(start).rejects.toBeInstanceOf(InvalidSagaInputError);
    await expect(start).rejects.toMatchObject({
      code: 'INPUT_INVALID',
      issues: [expect.stringContaining(field) as unknown],
    });
    expect(kit.sentCommands()).toEqual([]);
  });

  it('applies its options to every step and compensation', () => {
    const definition = placeOrderSaga({ stepTimeoutMs: 1_500, maxAttempts: 4, retryDelayMs: 50 });
    const steps = definition.stepOrder.map((name) => definition.steps.get(name));

    expect(steps.map((s) => [s?.name, s?.kind, s?.timeoutMs, s?.retry?.maxAttempts])).toEqual([
      ['create-order', 'compensatable', 1_500, 4],
      ['reserve-credit', 'compensatable', 1_500, 4],
      ['reserve-stock', 'compensatable', 1_500, 4],
      ['approve-order', 'pivot', 1_500, 4],
      ['notify-customer', 'retriable', 1_500, Infinity],
    ]);
    expect(steps.map((s) => s?.compensation?.timeoutMs ?? null)).toEqual([
      1_500,
      1_500,
      1_500,
      null,
      null,
    ]);
    expect(steps[0]?.retry?.initialDelayMs).toBe(50);
    expect(toMermaid(definition)).toContain('approve-order');
  });
});

describe('@sagaflow/examples/sagas', () => {
  it('points at the module exporting the definitions the orchestrator loads', () => {
    const sagas = packageJson.exports['./sagas'];
    expect(sagas).toEqual({
      '@sagaflow/source': './src/place-order/index.ts',
      types: './dist/place-order/index.d.ts',
      default: './dist/place-order/index.js',
    });
    // Built from the environment, which sets none of the saga's variables here.
    expect(definitions.map((d) => [d.name, d.version])).toEqual([['place-order', 1]]);
    expect(definitions[0]?.steps.get('reserve-credit')).toMatchObject({
      timeoutMs: 10_000,
      retry: { maxAttempts: 3, initialDelayMs: 200 },
    });
    expect(toMermaid(definitions[0] ?? placeOrder)).toBe(toMermaid(placeOrder));
  });
});
