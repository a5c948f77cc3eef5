import { type CustomerSeed, type PlaceOrderInput, type StockSeed } from '@sagaflow/examples';

/** The customers and SKUs the demo's orders refer to. */
export interface DemoCatalog {
  readonly customers: readonly CustomerSeed[];
  readonly stock: readonly StockSeed[];
}

/** Options of {@link demoOrders}. */
export interface OrderMixOptions {
  /** How many orders. */
  readonly count: number;
  /** The pseudo-random generator's seed: the same seed gives the same orders. */
  readonly seed: number;
  /** Start of every order id, e.g. `order-` or a test's own prefix. */
  readonly orderIdPrefix: string;
}

/** Customers with a credit limit of 100: most of their orders exceed it. */
const LOW_CREDIT_CUSTOMERS = 4;
const REGULAR_CUSTOMERS = 20;
/** SKUs with 6 units: most orders for them find them out of stock. */
const SCARCE_SKUS = 2;
const PLENTIFUL_SKUS = 8;
const LOW_CREDIT_LIMIT = 100;
const SCARCE_UNITS = 6;
/** Share of orders placed by low-credit customers, and share for scarce SKUs. */
const LOW_CREDIT_SHARE = 0.12;
const SCARCE_SHARE = 0.12;

const customerId = (kind: 'low' | 'regular', n: number) =>
  `${kind === 'low' ? 'cust-low' : 'cust'}-${String(n).padStart(2, '0')}`;
const sku = (kind: 'scarce' | 'plenty', n: number) =>
  `${kind === 'scarce' ? 'sku-scarce' : 'sku'}-${String(n).padStart(2, '0')}`;

/**
 * The demo's customers and SKUs for `count` orders: regular customers and SKUs with room for
 * every order they get, a few customers with a credit limit of 100 and a few SKUs with 6
 * units, so that a share of the sagas compensates (`CREDIT_LIMIT_EXCEEDED`, `OUT_OF_STOCK`).
 *
 * @example
 * ```ts
 * await stack.seed(demoCatalog(300));
 * ```
 */
export function demoCatalog(count: number): DemoCatalog {
  const customers: CustomerSeed[] = [];
  for (let n = 1; n <= REGULAR_CUSTOMERS; n += 1) {
    // An order costs 250 at most: room for every order one customer could get.
    customers.push({
      customerId: customerId('regular', n),
      creditLimit: 250 * Math.max(count, 20),
    });
  }
  for (let n = 1; n <= LOW_CREDIT_CUSTOMERS; n += 1) {
    customers.push({ customerId: customerId('low', n), creditLimit: LOW_CREDIT_LIMIT });
  }
  const stock: StockSeed[] = [];
  for (let n = 1; n <= PLENTIFUL_SKUS; n += 1) {
    stock.push({ sku: sku('plenty', n), available: 3 * Math.max(count, 20) });
  }
  for (let n = 1; n <= SCARCE_SKUS; n += 1) {
    stock.push({ sku: sku('scarce', n), available: SCARCE_UNITS });
  }
  return { customers, stock };
}

/**
 * `count` place-order inputs for the customers and SKUs of {@link demoCatalog}: about 12 %
 * from low-credit customers (amounts 40–160 against a limit of 100) and 12 % for scarce SKUs
 * (1–3 units of 6), the rest from regular customers (amounts 5–250) for plentiful SKUs. Pure:
 * the same options give the same orders.
 *
 * @example
 * ```ts
 * const orders = demoOrders({ count: 300, seed: 1, orderIdPrefix: 'order-' });
 * orders[0].orderId; // 'order-0001'
 * ```
 */
export function demoOrders(options: OrderMixOptions): PlaceOrderInput[] {
  const random = mulberry32(options.seed);
  const pick = (n: number) => 1 + Math.floor(random() * n);
  const between = (low: number, high: number) => low + random() * (high - low);
  const width = Math.max(4, String(options.count).length);
  const orders: PlaceOrderInput[] = [];
  for (let i = 1; i <= options.count; i += 1) {
    const lowCredit = random() < LOW_CREDIT_SHARE;
    const scarce = random() < SCARCE_SHARE;
    const amount = lowCredit ? between(40, 160) : between(5, 250);
    orders.push({
      orderId: `${options.orderIdPrefix}${String(i).padStart(width, '0')}`,
      customerId: lowCredit
        ? customerId('low', pick(LOW_CREDIT_CUSTOMERS))
        : customerId('regular', pick(REGULAR_CUSTOMERS)),
      sku: scarce ? sku('scarce', pick(SCARCE_SKUS)) : sku('plenty', pick(PLENTIFUL_SKUS)),
      quantity: pick(3),
      amount: Math.round(amount * 100) / 100,
    });
  }
  return orders;
}

/** A small, fast, seedable pseudo-random generator (Mulberry32): floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
