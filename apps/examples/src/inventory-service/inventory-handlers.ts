import { BusinessError } from '@sagaflow/core';
import { implementParticipant } from '@sagaflow/participant';

import { inventoryContract } from './inventory-contract';
import { StockEntity } from './stock-entity';
import { StockReservationEntity } from './stock-reservation-entity';

/**
 * The inventory-service's handlers of {@link inventoryContract}:
 * - `ReserveStock` locks the SKU's row, then reserves the units (`ORDER_ALREADY_RESERVED`
 *   when the order holds some already);
 * - `ReleaseStock` puts a HELD reservation back; nothing to do when there is none or it was
 *   released.
 */
export const inventoryHandlers = implementParticipant(inventoryContract, {
  ReserveStock: async (payload, { manager, now }) => {
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

  ReleaseStock: async (payload, { manager, now }) => {
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
  },
});
