import { EntitySchema } from 'typeorm';

/** HELD while the order may still go through; RELEASED when its saga compensated. */
export type ReservationStatus = 'HELD' | 'RELEASED';

/** A row of `credit_reservations`: credit held for one order. */
export interface CreditReservationRow {
  orderId: string;
  customerId: string;
  /** DECIMAL(12,2), read back as a string. */
  amount: string;
  status: ReservationStatus;
  createdAt: Date;
  updatedAt: Date;
}

/** The payment-service's credit reservations, one per order. */
export const CreditReservationEntity = new EntitySchema<CreditReservationRow>({
  name: 'CreditReservation',
  tableName: 'credit_reservations',
  columns: {
    orderId: { name: 'order_id', type: 'varchar', length: 64, primary: true },
    customerId: { name: 'customer_id', type: 'varchar', length: 64 },
    amount: { type: 'decimal', precision: 12, scale: 2 },
    status: { type: 'varchar', length: 16 },
    createdAt: { name: 'created_at', type: 'datetime', precision: 3 },
    updatedAt: { name: 'updated_at', type: 'datetime', precision: 3 },
  },
});
