import { toCents } from '../money';
import { NotificationEntity } from '../order-service/notification-entity';
import { OrderEntity, type OrderStatus } from '../order-service/order-entity';
import { type ServiceDatabaseTarget, withServiceDatabase } from './service-database-target';

/** An order as the order-service has it. */
export interface OrderSnapshot {
  readonly orderId: string;
  readonly customerId: string;
  readonly sku: string;
  readonly quantity: number;
  readonly amount: number;
  readonly status: OrderStatus;
  /** When the customer was notified (ISO-8601), or null. */
  readonly notifiedAt: string | null;
}

/** Reads every order (by order id) with its notification, for assertions and the demo. */
export async function readOrders(target: ServiceDatabaseTarget): Promise<OrderSnapshot[]> {
  return withServiceDatabase('order-service', target, async (dataSource) => {
    const orders = await dataSource.manager.find(OrderEntity, { order: { orderId: 'ASC' } });
    const notifications = await dataSource.manager.find(NotificationEntity);
    const sent = new Map(notifications.map((n) => [n.orderId, n.sentAt.toISOString()]));
    return orders.map((o) => ({
      orderId: o.orderId,
      customerId: o.customerId,
      sku: o.sku,
      quantity: o.quantity,
      amount: toCents(o.amount) / 100,
      status: o.status,
      notifiedAt: sent.get(o.orderId) ?? null,
    }));
  });
}
