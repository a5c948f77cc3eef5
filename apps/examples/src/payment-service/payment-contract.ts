import { defineParticipant } from '@sagaflow/core';
import { z } from 'zod';

import { orderFields } from '../order-fields';

const { orderId } = orderFields;

/**
 * The payment-service's commands, as the place-order saga invokes them and the service
 * implements them (payloads bounded by `orderFields`: the service answers a bad one with the
 * business failure `INVALID_PAYLOAD`):
 * - `ReserveCredit`: holds `amount` of the customer's credit for the order
 *   (`UNKNOWN_CUSTOMER`; `CREDIT_LIMIT_EXCEEDED` when the limit minus what is held is less
 *   than the amount); replies with the credit left;
 * - `ReleaseCredit` (its compensation): gives a HELD reservation back (`released`: the
 *   amount, 0 when there was nothing to release).
 */
export const paymentContract = defineParticipant('payment-service', {
  ReserveCredit: {
    payload: z.object({ orderId, customerId: orderFields.customerId, amount: orderFields.amount }),
    reply: z.object({
      orderId: z.string(),
      customerId: z.string(),
      amount: z.number(),
      creditAvailable: z.number(),
    }),
    compensation: 'ReleaseCredit',
  },
  ReleaseCredit: {
    payload: z.object({ orderId }),
    reply: z.object({ orderId: z.string(), released: z.number() }),
  },
});
