import { SagaStatus } from '@sagaflow/core';
import {
  type InventorySnapshot,
  type OrderSnapshot,
  type PaymentsSnapshot,
  type PlaceOrderInput,
  toCents,
} from '@sagaflow/examples';

/** A place-order saga as the orchestrator's `saga_instance` table has it. */
export interface PlaceOrderOutcome {
  readonly sagaId: string;
  readonly status: SagaStatus;
  /** The reason code of the failure that made it compensate (`CREDIT_LIMIT_EXCEEDED`, …). */
  readonly failureCode: string | null;
  readonly input: PlaceOrderInput;
  readonly startedAt: Date;
  /** Null while it runs (or is parked). */
  readonly endedAt: Date | null;
}

/** What {@link checkConsistency} compares. */
export interface ConsistencyInput {
  /** Every place-order saga the orchestrator has (those of other tests on the stack included). */
  readonly sagas: readonly PlaceOrderOutcome[];
  readonly payments: PaymentsSnapshot;
  readonly inventory: InventorySnapshot;
  readonly orders: readonly OrderSnapshot[];
  /** Units seeded per SKU, before any order; SKUs missing here skip the total check. */
  readonly seededStock: ReadonlyMap<string, number>;
}

/** One consistency rule and whether the state keeps it. */
export interface ConsistencyCheck {
  readonly name: string;
  readonly ok: boolean;
  /** What breaks the rule (at most {@link MAX_PROBLEMS} lines, then a count of the rest). */
  readonly problems: readonly string[];
}

/** Lines of problems kept per check. */
export const MAX_PROBLEMS = 10;

/**
 * Checks that the participants' state is what the sagas' outcomes say it must be, whatever
 * happened on the way (duplicates, retries, crashes):
 *
 * - every saga ended, COMPLETED or COMPENSATED;
 * - each customer's held credit is the sum of its COMPLETED sagas' amounts, and the sum of
 *   its HELD reservations;
 * - a COMPLETED saga's order holds its credit, a COMPENSATED saga's order holds none;
 * - each SKU's reserved units are its COMPLETED sagas' quantities, and available + reserved
 *   is what was seeded;
 * - a COMPLETED saga's order holds its stock, a COMPENSATED saga's order holds none;
 * - a COMPLETED saga's order is APPROVED and its customer notified, a COMPENSATED saga's
 *   order is REJECTED (or was never created), and no order is left PENDING.
 *
 * Pure: amounts are compared in cents.
 *
 * @example
 * ```ts
 * const failed = checkConsistency(input).filter((check) => !check.ok);
 * ```
 */
export function checkConsistency(input: ConsistencyInput): ConsistencyCheck[] {
  const completed = input.sagas.filter((s) => s.status === SagaStatus.Completed);
  const byOrder = new Map(input.sagas.map((s) => [s.input.orderId, s]));
  return [
    consistencyCheck('every saga ended (COMPLETED or COMPENSATED)', (problem) => {
      for (const saga of input.sagas) {
        if (saga.status !== SagaStatus.Completed && saga.status !== SagaStatus.Compensated) {
          problem(`saga ${saga.sagaId} (order ${saga.input.orderId}) is ${saga.status}`);
        }
      }
    }),
    consistencyCheck('credit held = sum of completed amounts, per customer', (problem) => {
      const expected = sumBy(
        completed,
        (s) => s.input.customerId,
        (s) => toCents(s.input.amount),
      );
      const held = sumBy(
        input.payments.reservations.filter((r) => r.status === 'HELD'),
        (r) => r.customerId,
        (r) => toCents(r.amount),
      );
      const customers = new Set([
        ...expected.keys(),
        ...input.payments.customers.map((c) => c.customerId),
      ]);
      for (const customerId of customers) {
        const customer = input.payments.customers.find((c) => c.customerId === customerId);
        const reserved = customer === undefined ? 0 : toCents(customer.creditReserved);
        const want = expected.get(customerId) ?? 0;
        const reservations = held.get(customerId) ?? 0;
        if (customer === undefined) problem(`customer ${customerId} does not exist`);
        if (reserved !== want) {
          problem(
            `customer ${customerId} holds ${cents(reserved)}, completed sagas ${cents(want)}`,
          );
        }
        if (reservations !== reserved) {
          problem(
            `customer ${customerId} holds ${cents(reserved)}, its held reservations ${cents(reservations)}`,
          );
        }
      }
    }),
    reservationsFollowOutcomes(input.sagas, 'credit', input.payments.reservations, {
      matches: (reservation, order) => toCents(reservation.amount) === toCents(order.amount),
      describe: (order) => `credit of ${order.amount}`,
    }),
    consistencyCheck('stock reserved = completed quantities, per SKU', (problem) => {
      const expected = sumBy(
        completed,
        (s) => s.input.sku,
        (s) => s.input.quantity,
      );
      const skus = new Set([...expected.keys(), ...input.inventory.stock.map((s) => s.sku)]);
      for (const sku of skus) {
        const stock = input.inventory.stock.find((s) => s.sku === sku);
        const want = expected.get(sku) ?? 0;
        if (stock === undefined) {
          problem(`SKU ${sku} does not exist`);
          continue;
        }
        if (stock.reserved !== want) {
          problem(`SKU ${sku} has ${stock.reserved} reserved, completed sagas ${want}`);
        }
        const seeded = input.seededStock.get(sku);
        if (seeded !== undefined && stock.available + stock.reserved !== seeded) {
          problem(
            `SKU ${sku}: ${stock.available} available + ${stock.reserved} reserved, ${seeded} seeded`,
          );
        }
        if (stock.available < 0) problem(`SKU ${sku} has ${stock.available} available`);
      }
    }),
    reservationsFollowOutcomes(input.sagas, 'stock', input.inventory.reservations, {
      matches: (reservation, order) => reservation.quantity === order.quantity,
      describe: (order) => `${order.quantity} units`,
    }),
    consistencyCheck('orders follow the saga outcomes; none left PENDING', (problem) => {
      const orders = new Map(input.orders.map((o) => [o.orderId, o]));
      for (const saga of input.sagas) {
        const order = orders.get(saga.input.orderId);
        if (saga.status === SagaStatus.Completed) {
          if (order?.status !== 'APPROVED') {
            problem(
              `order ${saga.input.orderId} is ${order?.status ?? 'absent'}, its saga completed`,
            );
          } else if (order.notifiedAt === null) {
            problem(`order ${saga.input.orderId} is approved, its customer was never notified`);
          }
        } else if (saga.status === SagaStatus.Compensated && order !== undefined) {
          if (order.status !== 'REJECTED') {
            problem(`order ${saga.input.orderId} is ${order.status}, its saga compensated`);
          }
        }
      }
      for (const order of input.orders) {
        if (order.status === 'PENDING') problem(`order ${order.orderId} is PENDING`);
        if (!byOrder.has(order.orderId)) problem(`order ${order.orderId}, which no saga placed`);
      }
    }),
  ];
}

/** A named check: every `problem(line)` its `run` reports makes it fail. */
export function consistencyCheck(
  name: string,
  run: (problem: (line: string) => void) => void,
): ConsistencyCheck {
  const problems: string[] = [];
  run((line) => problems.push(line));
  const shown = problems.slice(0, MAX_PROBLEMS);
  if (problems.length > MAX_PROBLEMS) shown.push(`… and ${problems.length - MAX_PROBLEMS} more`);
  return { name, ok: problems.length === 0, problems: shown };
}

/** A participant's reservation for one order, HELD until its compensation releases it. */
interface OrderReservation {
  readonly orderId: string;
  readonly status: 'HELD' | 'RELEASED';
}

/**
 * A participant's reservations against the saga outcomes, order by order: a COMPLETED saga's
 * order holds a HELD reservation that `matches` its input (else "holds no `describe(order)`"),
 * any other saga's order holds none, and every reservation is for an order a saga placed.
 */
function reservationsFollowOutcomes<R extends OrderReservation>(
  sagas: readonly PlaceOrderOutcome[],
  what: 'credit' | 'stock',
  reservations: readonly R[],
  expected: {
    readonly matches: (reservation: R, order: PlaceOrderOutcome['input']) => boolean;
    readonly describe: (order: PlaceOrderOutcome['input']) => string;
  },
): ConsistencyCheck {
  return consistencyCheck(
    `${what} reservations follow the saga outcomes, order by order`,
    (problem) => {
      const reservationOf = new Map(reservations.map((r) => [r.orderId, r]));
      for (const saga of sagas) {
        const order = saga.input;
        const reservation = reservationOf.get(order.orderId);
        const holds = reservation?.status === 'HELD';
        if (saga.status === SagaStatus.Completed) {
          if (!holds || !expected.matches(reservation, order)) {
            problem(`order ${order.orderId} is completed but holds no ${expected.describe(order)}`);
          }
        } else if (holds) {
          problem(`order ${order.orderId} holds ${what}, its saga is ${saga.status}`);
        }
      }
      const placed = new Set(sagas.map((s) => s.input.orderId));
      for (const reservation of reservations) {
        if (!placed.has(reservation.orderId)) {
          problem(`${what} reservation for order ${reservation.orderId}, which no saga placed`);
        }
      }
    },
  );
}

function sumBy<T>(
  items: readonly T[],
  key: (item: T) => string,
  value: (item: T) => number,
): Map<string, number> {
  const sums = new Map<string, number>();
  for (const item of items) sums.set(key(item), (sums.get(key(item)) ?? 0) + value(item));
  return sums;
}

function cents(value: number): string {
  return (value / 100).toFixed(2);
}
