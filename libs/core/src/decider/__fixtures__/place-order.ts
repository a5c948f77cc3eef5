import { z } from 'zod';
import { defineSaga } from '../../definition/define-saga';

/** The saga every decider spec speaks about: sequential, parallel, pivot and retriable. */
export const placeOrder = defineSaga('place-order', {
  version: 1,
  input: z.object({
    orderId: z.string(),
    customerId: z.string(),
    sku: z.string(),
    quantity: z.number().int().positive(),
    amount: z.number().positive(),
  }),
  description: 'Create an order, reserve credit and stock, approve it, notify the customer.',
})
  .step('create-order', (s) =>
    s
      .invoke('order-service', 'CreateOrder', (d) => ({
        orderId: d.orderId,
        customerId: d.customerId,
      }))
      .compensate('order-service', 'RejectOrder', (d) => ({ orderId: d.orderId }))
      .onReply(z.object({ status: z.string() }), (reply) => ({ orderStatus: reply.status })),
  )
  .parallel('reserve', (g) =>
    g
      .branch('reserve-credit', (s) =>
        s
          .invoke('payment-service', 'ReserveCredit', (d) => ({
            customerId: d.customerId,
            amount: d.amount,
            orderStatus: d.orderStatus,
          }))
          .compensate(
            'payment-service',
            'ReleaseCredit',
            (d) => ({ customerId: d.customerId, amount: d.amount }),
            { retry: { maxAttempts: 2, initialDelayMs: 1_000, jitter: 0 }, timeoutMs: 3_000 },
          )
          .onReply(z.object({ reservationId: z.string() }), (reply) => ({
            creditReservation: reply.reservationId,
          }))
          .retry({
            maxAttempts: 3,
            initialDelayMs: 200,
            multiplier: 2,
            maxDelayMs: 5_000,
            jitter: 0,
          })
          .timeout(5_000),
      )
      .branch('reserve-stock', (s) =>
        s
          .invoke('inventory-service', 'ReserveStock', (d) => ({
            sku: d.sku,
            quantity: d.quantity,
          }))
          .compensate('inventory-service', 'ReleaseStock', (d) => ({
            sku: d.sku,
            quantity: d.quantity,
          })),
      ),
  )
  .pivot('approve-order', (s) =>
    s
      .invoke('order-service', 'ApproveOrder', (d) => ({
        orderId: d.orderId,
        creditReservation: d.creditReservation,
      }))
      .timeout(5_000)
      .retry({ maxAttempts: 3, jitter: 0 }),
  )
  .retriable('notify-customer', (s) =>
    s
      .invoke('notification-service', 'NotifyCustomer', (d) => ({
        customerId: d.customerId,
        orderId: d.orderId,
      }))
      .retry({ initialDelayMs: 500, jitter: 0 }),
  )
  .build();

/** A valid start input of {@link placeOrder}. */
export const ORDER_INPUT = {
  orderId: 'o-1',
  customerId: 'c-1',
  sku: 'sku-1',
  quantity: 2,
  amount: 25,
} as const;
