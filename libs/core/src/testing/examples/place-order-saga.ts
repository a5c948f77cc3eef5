import { z } from 'zod';
import { defineSaga } from '../../index';

/**
 * Place an order: create it, reserve credit and stock together, approve it (the pivot),
 * then tell the customer (retried until it succeeds).
 */
export const placeOrder = defineSaga('place-order', {
  version: 1,
  input: z.object({
    orderId: z.string(),
    customerId: z.string(),
    sku: z.string(),
    quantity: z.number().int().positive(),
    amount: z.number().positive(),
  }),
})
  .step('create-order', (s) =>
    s
      .invoke('order-service', 'CreateOrder', (d) => ({ orderId: d.orderId, amount: d.amount }))
      .compensate('order-service', 'RejectOrder', (d) => ({ orderId: d.orderId }))
      .onReply(z.object({ status: z.string() }), (reply) => ({ orderStatus: reply.status })),
  )
  .parallel('reserve', (g) =>
    g
      .branch('reserve-credit', (s) =>
        s
          .invoke('payment-service', 'ReserveCredit', (d) => ({
            customerId: d.customerId,
            orderId: d.orderId,
            amount: d.amount,
          }))
          .compensate('payment-service', 'ReleaseCredit', (d) => ({ orderId: d.orderId }))
          .retry({ maxAttempts: 3, initialDelayMs: 200 })
          .timeout(5_000),
      )
      .branch('reserve-stock', (s) =>
        s
          .invoke('inventory-service', 'ReserveStock', (d) => ({
            orderId: d.orderId,
            sku: d.sku,
            quantity: d.quantity,
          }))
          .compensate('inventory-service', 'ReleaseStock', (d) => ({ orderId: d.orderId }))
          .timeout(5_000),
      ),
  )
  .pivot('approve-order', (s) =>
    s.invoke('order-service', 'ApproveOrder', (d) => ({ orderId: d.orderId })),
  )
  .retriable('notify-customer', (s) =>
    s
      .invoke('notification-service', 'NotifyCustomer', (d) => ({
        customerId: d.customerId,
        orderId: d.orderId,
        status: d.orderStatus,
      }))
      .retry({ maxAttempts: Infinity, initialDelayMs: 1_000, maxDelayMs: 60_000 }),
  )
  .build();
