import { BusinessError } from '@sagaflow/core';
import { commandHandler, type CommandHandlers } from '@sagaflow/participant';
import { z } from 'zod';

import { orderFields } from '../order-fields';
import { StockEntity } from './stock-entity';
import { StockReservationEntity } from './stock-reservation-entity';

const { orderId } = orderFields;

/**
 * The inventory-service's commands (payloads bounded by `orderFields`: a bad one is
 * answered with the business failure `INVALID_PAYLOAD`):
 * - `ReserveStock`: moves `quantity` units of the SKU from available to reserved for the
 *   order, under a row lock on the SKU (`UNKNOWN_SKU`; `OUT_OF_STOCK` when fewer are
 *   available);
 * - `ReleaseStock` (its compensation): puts a HELD reservation back; nothing to do when
 *   there is none or it was released.
 */
export const inventoryHandlers: CommandHandlers = {
  ReserveStock: commandHandler(
    z.object({ orderId, sku: orderFields.sku, quantity: orderFields.quantity }),
    async (payload, { manager, now }) => {
      const stock = await manager.findOne(StockEntity, {
        where: { sku: payload.sku },
        lock: { mode: 'pessimistic_write' },
      });
      if (stock === null) throw new BusinessError('UNKNOWN_SKU', `SKU ${payload.sku} is unknown`);
      const existing = await manager.findOne(StockReservationEntity, {
        where: { orderId: payload.orderId },
      });
      if (existing !== null) {
        throw new BusinessError(
          'ORDER_ALREADY_RESERVED',
          `order ${payload.orderId} already holds stock`,
        );
      }
      if (stock.available < payload.quantity) {
        throw new BusinessError(
          'OUT_OF_STOCK',
          `SKU ${payload.sku} has ${stock.available} available, the order needs ${payload.quantity}`,
        );
      }
      await manager.update(
        StockEntity,
        { sku: payload.sku },
        {
          available: stock.available - payload.quantity,
          reserved: stock.reserved + payload.quantity,
          updatedAt: now,
        },
      );
      await manager.insert(StockReservationEntity, {
        orderId: payload.orderId,
        sku: payload.sku,
        quantity: payload.quantity,
        status: 'HELD',
        createdAt: now,
        updatedAt: now,
      });
      return {
        orderId: payload.orderId,
        sku: payload.sku,
        quantity: payload.quantity,
        available: stock.available - payload.quantity,
      };
    },
  ),

  ReleaseStock: commandHandler(z.object({ orderId }), async (payload, { manager, now }) => {
    const reservation = await manager.findOne(StockReservationEntity, {
      where: { orderId: payload.orderId },
      lock: { mode: 'pessimistic_write' },
    });
    if (reservation === null || reservation.status === 'RELEASED') {
      return { orderId: payload.orderId, released: 0 };
    }
    const stock = await manager.findOne(StockEntity, {
      where: { sku: reservation.sku },
      lock: { mode: 'pessimistic_write' },
    });
    if (stock !== null) {
      await manager.update(
        StockEntity,
        { sku: stock.sku },
        {
          available: stock.available + reservation.quantity,
          reserved: stock.reserved - reservation.quantity,
          updatedAt: now,
        },
      );
    }
    await manager.update(
      StockReservationEntity,
      { orderId: payload.orderId },
      { status: 'RELEASED', updatedAt: now },
    );
    return { orderId: payload.orderId, released: reservation.quantity };
  }),
};
