import { BusinessError } from '@sagaflow/core';
import { commandHandler, type CommandHandlers } from '@sagaflow/participant';
import { z } from 'zod';

import { orderFields } from '../order-fields';
import { NotificationEntity } from './notification-entity';
import { OrderEntity } from './order-entity';

const { orderId } = orderFields;

/**
 * The order-service's commands (payloads bounded by `orderFields`: a bad one is answered
 * with the business failure `INVALID_PAYLOAD`):
 * - `CreateOrder`: records a PENDING order (`ORDER_EXISTS` if the id is taken);
 * - `RejectOrder` (compensation of `CreateOrder`): PENDING ⇒ REJECTED; an absent order needs
 *   nothing undone;
 * - `ApproveOrder` (the pivot): PENDING ⇒ APPROVED (`UNKNOWN_ORDER`, `ORDER_REJECTED`);
 * - `NotifyCustomer`: records (and logs) the customer's notification, once per order.
 */
export const orderHandlers: CommandHandlers = {
  CreateOrder: commandHandler(
    z.object({
      orderId,
      customerId: orderFields.customerId,
      sku: orderFields.sku,
      quantity: orderFields.quantity,
      amount: orderFields.amount,
    }),
    async (order, { manager, now }) => {
      const existing = await manager.findOne(OrderEntity, {
        where: { orderId: order.orderId },
        lock: { mode: 'pessimistic_write' },
      });
      if (existing !== null) {
        throw new BusinessError('ORDER_EXISTS', `order ${order.orderId} exists already`);
      }
      await manager.insert(OrderEntity, {
        ...order,
        amount: order.amount.toFixed(2),
        status: 'PENDING',
        createdAt: now,
        updatedAt: now,
      });
      return { orderId: order.orderId, status: 'PENDING' };
    },
  ),

  RejectOrder: commandHandler(z.object({ orderId }), async (payload, { manager, now, logger }) => {
    const order = await manager.findOne(OrderEntity, {
      where: { orderId: payload.orderId },
      lock: { mode: 'pessimistic_write' },
    });
    if (order === null) return { orderId: payload.orderId, status: 'ABSENT' };
    if (order.status === 'PENDING') {
      await manager.update(
        OrderEntity,
        { orderId: order.orderId },
        { status: 'REJECTED', updatedAt: now },
      );
      return { orderId: order.orderId, status: 'REJECTED' };
    }
    logger.warn('order not pending: left as it is', {
      orderId: order.orderId,
      status: order.status,
    });
    return { orderId: order.orderId, status: order.status };
  }),

  ApproveOrder: commandHandler(z.object({ orderId }), async (payload, { manager, now }) => {
    const order = await manager.findOne(OrderEntity, {
      where: { orderId: payload.orderId },
      lock: { mode: 'pessimistic_write' },
    });
    if (order === null) {
      throw new BusinessError('UNKNOWN_ORDER', `order ${payload.orderId} does not exist`);
    }
    if (order.status === 'REJECTED') {
      throw new BusinessError('ORDER_REJECTED', `order ${payload.orderId} was rejected`);
    }
    if (order.status === 'PENDING') {
      await manager.update(
        OrderEntity,
        { orderId: order.orderId },
        { status: 'APPROVED', updatedAt: now },
      );
    }
    return { orderId: order.orderId, status: 'APPROVED' };
  }),

  NotifyCustomer: commandHandler(
    z.object({ orderId, customerId: orderFields.customerId, status: z.string().min(1).max(16) }),
    async (payload, { manager, now, logger }) => {
      const sent = await manager.findOne(NotificationEntity, {
        where: { orderId: payload.orderId },
        lock: { mode: 'pessimistic_write' },
      });
      if (sent === null) {
        await manager.insert(NotificationEntity, { orderId: payload.orderId, sentAt: now });
        logger.info('customer notified', {
          orderId: payload.orderId,
          customerId: payload.customerId,
          status: payload.status,
        });
      }
      return { orderId: payload.orderId, notified: true };
    },
  ),
};
