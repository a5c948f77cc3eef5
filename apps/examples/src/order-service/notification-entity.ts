import { EntitySchema } from 'typeorm';

/** A row of `notifications`: the customer was told about the order, once. */
export interface NotificationRow {
  orderId: string;
  sentAt: Date;
}

/** The order-service's sent notifications, one per order. */
export const NotificationEntity = new EntitySchema<NotificationRow>({
  name: 'Notification',
  tableName: 'notifications',
  columns: {
    orderId: { name: 'order_id', type: 'varchar', length: 64, primary: true },
    sentAt: { name: 'sent_at', type: 'datetime', precision: 3 },
  },
});
