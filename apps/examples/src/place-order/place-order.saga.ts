import { defineSaga, type SagaDefinition } from '@sagaflow/core';
import { z } from 'zod';

import { inventoryContract } from '../inventory-service/inventory-contract';
import { orderFields } from '../order-fields';
import { orderContract } from '../order-service/order-contract';
import { paymentContract } from '../payment-service/payment-contract';

/**
 * The input of a place-order saga; its business key is the `orderId`. Bounded as the
 * services store it (see `orderFields`): `quantity` 1–1000, `amount` positive with at most
 * two decimals and at most 9 999 999 999.99.
 */
export const placeOrderInput = z.object({
  orderId: orderFields.orderId,
  customerId: orderFields.customerId,
  sku: orderFields.sku,
  quantity: orderFields.quantity,
  amount: orderFields.amount,
});

/** A place-order request. */
export type PlaceOrderInput = z.output<typeof placeOrderInput>;

/** Options of {@link placeOrderSaga}. */
export interface PlaceOrderSagaOptions {
  /**
   * How long the saga waits for each command's reply (forward and compensation), in ms,
   * before it counts the attempt as timed out and retries it. Above the whole saga's p99 at
   * 256 sagas in flight on a 2-core machine (`npm run bench`, BENCHMARKS.md): a timeout that
   * fires under load only adds a retry to the load.
   * @defaultValue `10000`
   */
  readonly stepTimeoutMs?: number;
  /**
   * Attempts of each step before the pivot (the first included); technical failures and
   * timeouts are retried with exponential back-off, business failures never are. The
   * retriable `notify-customer` step is retried until it succeeds.
   * @defaultValue `3`
   */
  readonly maxAttempts?: number;
  /** Delay before the first retry, in ms; doubles each time, capped at 10 s. @defaultValue `200` */
  readonly retryDelayMs?: number;
}

/** The saga's name in the orchestrator. */
export const PLACE_ORDER = 'place-order';

/**
 * The place-order saga:
 *
 * 1. `create-order` — order-service `CreateOrder` (a PENDING order); undone by `RejectOrder`;
 * 2. `reserve-credit` — payment-service `ReserveCredit` (`CREDIT_LIMIT_EXCEEDED`,
 *    `UNKNOWN_CUSTOMER`); undone by `ReleaseCredit`;
 * 3. `reserve-stock` — inventory-service `ReserveStock` (`OUT_OF_STOCK`, `UNKNOWN_SKU`); undone
 *    by `ReleaseStock`;
 * 4. `approve-order` — the pivot: order-service `ApproveOrder`;
 * 5. `notify-customer` — retriable: order-service `NotifyCustomer`, retried until it succeeds.
 *
 * A business failure in steps 2–3 (or a step that keeps timing out) compensates the steps
 * that may have applied, in reverse order: the order ends REJECTED, credit and stock are
 * released. Start it with the `orderId` as business key, so a second start of the same
 * order returns the first saga. Every command comes from its service's contract
 * ({@link orderContract}, {@link paymentContract}, {@link inventoryContract}), which types
 * and checks the payloads and replies.
 *
 * @example
 * ```ts
 * const definition = placeOrderSaga({ stepTimeoutMs: 2_000, maxAttempts: 5 });
 * toMermaid(definition); // the step graph
 * ```
 */
export function placeOrderSaga(
  options: PlaceOrderSagaOptions = {},
): SagaDefinition<PlaceOrderInput, PlaceOrderData> {
  const stepTimeoutMs = options.stepTimeoutMs ?? 10_000;
  const retry = {
    maxAttempts: options.maxAttempts ?? 3,
    initialDelayMs: options.retryDelayMs ?? 200,
    maxDelayMs: 10_000,
  };
  const compensation = { timeoutMs: stepTimeoutMs };
  return defineSaga(PLACE_ORDER, {
    version: 1,
    input: placeOrderInput,
    description: 'Create an order, reserve credit and stock, approve it, notify the customer.',
  })
    .step('create-order', (s) =>
      s
        .invoke(orderContract.CreateOrder, (d) => ({
          orderId: d.orderId,
          customerId: d.customerId,
          sku: d.sku,
          quantity: d.quantity,
          amount: d.amount,
        }))
        .compensate(orderContract.RejectOrder, (d) => ({ orderId: d.orderId }), compensation)
        .retry(retry)
        .timeout(stepTimeoutMs),
    )
    .step('reserve-credit', (s) =>
      s
        .invoke(paymentContract.ReserveCredit, (d) => ({
          orderId: d.orderId,
          customerId: d.customerId,
          amount: d.amount,
        }))
        .compensate(paymentContract.ReleaseCredit, (d) => ({ orderId: d.orderId }), compensation)
        .onReply((reply) => ({ creditAvailable: reply.creditAvailable }))
        .retry(retry)
        .timeout(stepTimeoutMs),
    )
    .step('reserve-stock', (s) =>
      s
        .invoke(inventoryContract.ReserveStock, (d) => ({
          orderId: d.orderId,
          sku: d.sku,
          quantity: d.quantity,
        }))
        .compensate(inventoryContract.ReleaseStock, (d) => ({ orderId: d.orderId }), compensation)
        .retry(retry)
        .timeout(stepTimeoutMs),
    )
    .pivot('approve-order', (s) =>
      s
        .invoke(orderContract.ApproveOrder, (d) => ({ orderId: d.orderId }))
        .onReply((reply) => ({ orderStatus: reply.status }))
        .retry(retry)
        .timeout(stepTimeoutMs),
    )
    .retriable('notify-customer', (s) =>
      s
        .invoke(orderContract.NotifyCustomer, (d) => ({
          orderId: d.orderId,
          customerId: d.customerId,
          status: d.orderStatus,
        }))
        .retry({ initialDelayMs: retry.initialDelayMs, maxDelayMs: 10_000 })
        .timeout(stepTimeoutMs),
    )
    .build();
}

/** The saga data once every step replied: the input plus what the replies added. */
export type PlaceOrderData = PlaceOrderInput & {
  readonly creditAvailable: number;
  readonly orderStatus: string;
};

/** The place-order saga with the default options. */
export const placeOrder = placeOrderSaga();

/** The business key a place-order saga is started with: its order id. */
export function placeOrderBusinessKey(input: PlaceOrderInput): string {
  return input.orderId;
}
