import { type SagaStatus } from '@sagaflow/core';
import {
  type InventorySnapshot,
  type OrderSnapshot,
  type PaymentsSnapshot,
} from '@sagaflow/examples';

import {
  checkConsistency,
  type ConsistencyInput,
  MAX_PROBLEMS,
  type PlaceOrderOutcome,
} from './consistency-checks';

const at = new Date('2026-01-01T00:00:00.000Z');

function saga(
  orderId: string,
  status: SagaStatus,
  amount: number,
  quantity: number,
): PlaceOrderOutcome {
  return {
    sagaId: `saga-${orderId}`,
    status,
    failureCode: status === 'COMPENSATED' ? 'OUT_OF_STOCK' : null,
    input: { orderId, customerId: 'c-1', sku: 's-1', quantity, amount },
    startedAt: at,
    endedAt: status === 'RUNNING' ? null : at,
  };
}

/** A consistent world: o-1 completed (10.10, 2 units), o-2 compensated after holding credit. */
function consistent(): ConsistencyInput {
  const payments: PaymentsSnapshot = {
    customers: [{ customerId: 'c-1', creditLimit: 100, creditReserved: 10.1 }],
    reservations: [
      { orderId: 'o-1', customerId: 'c-1', amount: 10.1, status: 'HELD' },
      { orderId: 'o-2', customerId: 'c-1', amount: 20.2, status: 'RELEASED' },
    ],
  };
  const inventory: InventorySnapshot = {
    stock: [{ sku: 's-1', available: 8, reserved: 2 }],
    reservations: [{ orderId: 'o-1', sku: 's-1', quantity: 2, status: 'HELD' }],
  };
  const order = (orderId: string, status: OrderSnapshot['status']): OrderSnapshot => ({
    orderId,
    customerId: 'c-1',
    sku: 's-1',
    quantity: 1,
    amount: 1,
    status,
    notifiedAt: status === 'APPROVED' ? at.toISOString() : null,
  });
  return {
    sagas: [saga('o-1', 'COMPLETED', 10.1, 2), saga('o-2', 'COMPENSATED', 20.2, 5)],
    payments,
    inventory,
    orders: [order('o-1', 'APPROVED'), order('o-2', 'REJECTED')],
    seededStock: new Map([['s-1', 10]]),
  };
}

function failed(input: ConsistencyInput): Record<string, readonly string[]> {
  return Object.fromEntries(
    checkConsistency(input)
      .filter((c) => !c.ok)
      .map((c) => [c.name, c.problems]),
  );
}

describe('checkConsistency', () => {
  it('passes every check of a consistent state', () => {
    const checks = checkConsistency(consistent());
    expect(checks).toHaveLength(6);
    expect(checks.filter((c) => !c.ok)).toEqual([]);
  });

  it('accepts a compensated saga whose order was never created', () => {
    const input = consistent();
    expect(failed({ ...input, orders: input.orders.filter((o) => o.orderId !== 'o-2') })).toEqual(
      {},
    );
  });

  it('reports a saga that did not end', () => {
    const input = consistent();
    const running = saga('o-3', 'RUNNING', 1, 1);
    expect(failed({ ...input, sagas: [...input.sagas, running] })).toMatchObject({
      'every saga ended (COMPLETED or COMPENSATED)': ['saga saga-o-3 (order o-3) is RUNNING'],
    });
  });

  it('reports credit held twice, in cents', () => {
    const input = consistent();
    const payments: PaymentsSnapshot = {
      ...input.payments,
      customers: [{ customerId: 'c-1', creditLimit: 100, creditReserved: 20.2 }],
    };
    expect(failed({ ...input, payments })).toEqual({
      'credit held = sum of completed amounts, per customer': [
        'customer c-1 holds 20.20, completed sagas 10.10',
        'customer c-1 holds 20.20, its held reservations 10.10',
      ],
    });
  });

  it('reports credit still held by a compensated saga, and credit missing for a completed one', () => {
    const input = consistent();
    const payments: PaymentsSnapshot = {
      customers: [{ customerId: 'c-1', creditLimit: 100, creditReserved: 20.2 }],
      reservations: [{ orderId: 'o-2', customerId: 'c-1', amount: 20.2, status: 'HELD' }],
    };
    expect(failed({ ...input, payments })).toMatchObject({
      'credit reservations follow the saga outcomes, order by order': [
        'order o-1 is completed but holds no credit of 10.1',
        'order o-2 holds credit, its saga is COMPENSATED',
      ],
    });
  });

  it('reports stock reserved twice, stock not put back and reservations nobody placed', () => {
    const input = consistent();
    const inventory: InventorySnapshot = {
      stock: [{ sku: 's-1', available: 6, reserved: 2 }],
      reservations: [
        { orderId: 'o-1', sku: 's-1', quantity: 2, status: 'HELD' },
        { orderId: 'o-9', sku: 's-1', quantity: 2, status: 'RELEASED' },
      ],
    };
    expect(failed({ ...input, inventory })).toEqual({
      'stock reserved = completed quantities, per SKU': [
        'SKU s-1: 6 available + 2 reserved, 10 seeded',
      ],
      'stock reservations follow the saga outcomes, order by order': [
        'stock reservation for order o-9, which no saga placed',
      ],
    });
  });

  it('reports a pending order, an approved order of a compensated saga and a missing notification', () => {
    const input = consistent();
    const orders: OrderSnapshot[] = [
      { ...input.orders[0]!, notifiedAt: null },
      { ...input.orders[1]!, status: 'APPROVED' },
      { ...input.orders[1]!, orderId: 'o-3', status: 'PENDING' },
    ];
    expect(failed({ ...input, orders })).toEqual({
      'orders follow the saga outcomes; none left PENDING': [
        'order o-1 is approved, its customer was never notified',
        'order o-2 is APPROVED, its saga compensated',
        'order o-3 is PENDING',
        'order o-3, which no saga placed',
      ],
    });
  });

  it(`keeps ${MAX_PROBLEMS} problems per check and counts the rest`, () => {
    const input = consistent();
    const sagas = Array.from({ length: 15 }, (_, i) => saga(`r-${i}`, 'RUNNING', 1, 1));
    const [ended] = checkConsistency({ ...input, sagas: [...input.sagas, ...sagas] });
    expect(ended?.problems).toHaveLength(MAX_PROBLEMS + 1);
    expect(ended?.problems.at(-1)).toBe('… and 5 more');
  });
});
