import { EntitySchema } from 'typeorm';

/** HELD while the order may still go through; RELEASED when its saga compensated. */
export type StockReservationStatus = 'HELD' | 'RELEASED';

/** A row of `stock_reservations`: units held for one order. */
export interface StockReservationRow {
  orderId: string;
  sku: string;
  quantity: number;
  status: StockReservationStatus;
  createdAt: Date;
  updatedAt: Date;
}

/** The inventory-service's stock reservations, one per order. */
export const StockReservationEntity = new EntitySchema<StockReservationRow>({
  name: 'StockReservation',
  tableName: 'stock_reservations',
  columns: {
    orderId: { name: 'order_id', type: 'varchar', length: 64, primary: true },
    sku: { type: 'varchar', length: 64 },
    quantity: { type: 'int' },
    status: { type: 'varchar', length: 16 },
    createdAt: { name: 'created_at', type: 'datetime', precision: 3 },
    updatedAt: { name: 'updated_at', type: 'datetime', precision: 3 },
  },
});
