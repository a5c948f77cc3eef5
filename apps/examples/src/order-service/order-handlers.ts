import { BusinessError } from '@sagaflow/core';
import { implementParticipant } from '@sagaflow/participant';

import { NotificationEntity } from './notification-entity';
import { orderContract } from './order-contract';
import { OrderEntity } from './order-entity';

/**
 * The order-service's handlers of {@link orderContract}, each under a row lock on the order
 * (`ApproveOrder` is the place-order saga's pivot; `RejectOrder` logs an order it leaves as
 * it is).
 */
export const orderHandlers = implementParticipant(orderContract, {
  CreateOrder: async (order, { manager, now }) => {
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

  RejectOrder: async (payload, { manager, now, logger }) => {
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
  },

  ApproveOrder: async (payload, { manager, now }) => {
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
  },

  NotifyCustomer: async (payload, { manager, now, logger }) => {
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
});
