import { defineParticipant } from '@sagaflow/core';
import { z } from 'zod';

import { orderFields } from '../order-fields';

const { orderId } = orderFields;

/**
 * The inventory-service's commands, as the place-order saga invokes them and the service
 * implements them (payloads bounded by `orderFields`: the service answers a bad one with the
 * business failure `INVALID_PAYLOAD`):
 * - `ReserveStock`: moves `quantity` units of the SKU from available to reserved for the
 *   order (`UNKNOWN_SKU`; `OUT_OF_STOCK` when fewer are available); replies with the units
 *   left;
 * - `ReleaseStock` (its compensation): puts a HELD reservation back (`released`: the units,
 *   0 when there was nothing to release).
 */
export const inventoryContract = defineParticipant('inventory-service', {
  ReserveStock: {
    payload: z.object({ orderId, sku: orderFields.sku, quantity: orderFields.quantity }),
    reply: z.object({
      orderId: z.string(),
      sku: z.string(),
      quantity: z.number(),
      available: z.number(),
    }),
    compensation: 'ReleaseStock',
  },
  ReleaseStock: {
    payload: z.object({ orderId }),
    reply: z.object({ orderId: z.string(), released: z.number() }),
  },
});
