import { defineParticipant } from '@sagaflow/core';
import { z } from 'zod';

import { orderFields } from '../order-fields';

const { orderId, customerId } = orderFields;

/**
 * The order-service's commands, as the place-order saga invokes them and the service
 * implements them (payloads bounded by `orderFields`: the service answers a bad one with the
 * business failure `INVALID_PAYLOAD`):
 * - `CreateOrder`: records a PENDING order (`ORDER_EXISTS` if the id is taken);
 * - `RejectOrder` (its compensation): PENDING ⇒ REJECTED; an absent order needs nothing
 *   undone (status `ABSENT`), an order past PENDING is left as it is;
 * - `ApproveOrder`: PENDING ⇒ APPROVED (`UNKNOWN_ORDER`, `ORDER_REJECTED`);
 * - `NotifyCustomer`: records (and logs) the customer's notification, once per order.
 */
export const orderContract = defineParticipant('order-service', {
  CreateOrder: {
    payload: z.object({
      orderId,
      customerId,
      sku: orderFields.sku,
      quantity: orderFields.quantity,
      amount: orderFields.amount,
    }),
    reply: z.object({ orderId: z.string(), status: z.literal('PENDING') }),
    compensation: 'RejectOrder',
  },
  RejectOrder: {
    payload: z.object({ orderId }),
    reply: z.object({ orderId: z.string(), status: z.string() }),
  },
  ApproveOrder: {
    payload: z.object({ orderId }),
    reply: z.object({ orderId: z.string(), status: z.literal('APPROVED') }),
  },
  NotifyCustomer: {
    payload: z.object({ orderId, customerId, status: z.string().min(1).max(16) }),
    reply: z.object({ orderId: z.string(), notified: z.literal(true) }),
  },
});
