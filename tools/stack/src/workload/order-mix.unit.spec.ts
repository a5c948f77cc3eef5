import { placeOrderInput } from '@sagaflow/examples';

import { demoCatalog, demoOrders, mulberry32 } from './order-mix';

describe('demoOrders', () => {
  const catalog = demoCatalog(1000);
  const orders = demoOrders({ count: 1000, seed: 42, orderIdPrefix: 'order-' });
  const lowCredit = new Set(
    catalog.customers.filter((c) => c.creditLimit === 100).map((c) => c.customerId),
  );
  const scarce = new Set(catalog.stock.filter((s) => s.available === 6).map((s) => s.sku));

  it('places valid orders with unique, numbered ids for known customers and SKUs', () => {
    expect(orders).toHaveLength(1000);
    expect(orders[0]?.orderId).toBe('order-0001');
    expect(orders[999]?.orderId).toBe('order-1000');
    expect(new Set(orders.map((o) => o.orderId)).size).toBe(1000);
    const customers = new Set(catalog.customers.map((c) => c.customerId));
    const skus = new Set(catalog.stock.map((s) => s.sku));
    for (const order of orders) {
      expect(placeOrderInput.parse(order)).toEqual(order);
      expect(customers.has(order.customerId)).toBe(true);
      expect(skus.has(order.sku)).toBe(true);
      expect(Math.round(order.amount * 100)).toBeCloseTo(order.amount * 100, 6);
      expect(order.quantity).toBeGreaterThanOrEqual(1);
      expect(order.quantity).toBeLessThanOrEqual(3);
    }
  });

  it('sends about 12 % of the orders to low-credit customers and 12 % to scarce SKUs', () => {
    const share = (n: number) => n / orders.length;
    expect(share(orders.filter((o) => lowCredit.has(o.customerId)).length)).toBeGreaterThan(0.08);
    expect(share(orders.filter((o) => lowCredit.has(o.customerId)).length)).toBeLessThan(0.16);
    expect(share(orders.filter((o) => scarce.has(o.sku)).length)).toBeGreaterThan(0.08);
    expect(share(orders.filter((o) => scarce.has(o.sku)).length)).toBeLessThan(0.16);
  });

  it('makes some sagas compensate for sure: low-credit orders over the limit, scarce SKUs over-ordered', () => {
    expect(orders.some((o) => lowCredit.has(o.customerId) && o.amount > 100)).toBe(true);
    for (const sku of scarce) {
      const ordered = orders.filter((o) => o.sku === sku).reduce((n, o) => n + o.quantity, 0);
      expect(ordered).toBeGreaterThan(6);
    }
  });

  it('leaves room for every order of regular customers and plentiful SKUs', () => {
    for (const customer of catalog.customers.filter((c) => !lowCredit.has(c.customerId))) {
      const spent = orders
        .filter((o) => o.customerId === customer.customerId)
        .reduce((sum, o) => sum + o.amount, 0);
      expect(spent).toBeLessThan(customer.creditLimit);
    }
    for (const stock of catalog.stock.filter((s) => !scarce.has(s.sku))) {
      const ordered = orders.filter((o) => o.sku === stock.sku).reduce((n, o) => n + o.quantity, 0);
      expect(ordered).toBeLessThan(stock.available);
    }
  });

  it('gives the same orders for the same seed, other orders for another', () => {
    const again = demoOrders({ count: 1000, seed: 42, orderIdPrefix: 'order-' });
    const other = demoOrders({ count: 1000, seed: 43, orderIdPrefix: 'order-' });
    expect(again).toEqual(orders);
    expect(other).not.toEqual(orders);
  });

  it('widens the order number past 9999 orders', () => {
    expect(demoOrders({ count: 12_000, seed: 1, orderIdPrefix: 'x-' }).at(-1)?.orderId).toBe(
      'x-12000',
    );
  });
});

describe('mulberry32', () => {
  it('gives floats in [0, 1), the same sequence for the same seed', () => {
    const a = mulberry32(7);
    const b = mulberry32(7);
    const values = Array.from({ length: 1000 }, () => a());
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(Array.from({ length: 1000 }, () => b())).toEqual(values);
    expect(new Set(values).size).toBeGreaterThan(990);
  });
});
