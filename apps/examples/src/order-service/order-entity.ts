import { EntitySchema } from 'typeorm';

/** An order's life: created PENDING, then APPROVED (the pivot) or REJECTED (compensated). */
export type OrderStatus = 'PENDING' | 'APPROVED' | 'REJECTED';

/** A row of `orders`. */
export interface OrderRow {
  orderId: string;
  customerId: string;
  sku: string;
  quantity: number;
  /** DECIMAL(12,2), read back as a string. */
  amount: string;
  status: OrderStatus;
  createdAt: Date;
  updatedAt: Date;
}

/** The order-service's orders. */
export const OrderEntity = new EntitySchema<OrderRow>({
  name: 'Order',
  tableName: 'orders',
  columns: {
    orderId: { name: 'order_id', type: 'varchar', length: 64, primary: true },
    customerId: { name: 'customer_id', type: 'varchar', length: 64 },
    sku: { type: 'varchar', length: 64 },
    quantity: { type: 'int' },
    amount: { type: 'decimal', precision: 12, scale: 2 },
    status: { type: 'varchar', length: 16 },
    createdAt: { name: 'created_at', type: 'datetime', precision: 3 },
    updatedAt: { name: 'updated_at', type: 'datetime', precision: 3 },
  },
});
