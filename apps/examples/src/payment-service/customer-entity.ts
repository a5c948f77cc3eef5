import { EntitySchema } from 'typeorm';

/** A row of `customers`: how much credit a customer has and how much is held. */
export interface CustomerRow {
  customerId: string;
  /** DECIMAL(12,2), read back as a string. */
  creditLimit: string;
  /** DECIMAL(12,2): the sum of the customer's HELD reservations. */
  creditReserved: string;
  updatedAt: Date;
}

/** The payment-service's customers. */
export const CustomerEntity = new EntitySchema<CustomerRow>({
  name: 'Customer',
  tableName: 'customers',
  columns: {
    customerId: { name: 'customer_id', type: 'varchar', length: 64, primary: true },
    creditLimit: { name: 'credit_limit', type: 'decimal', precision: 12, scale: 2 },
    creditReserved: { name: 'credit_reserved', type: 'decimal', precision: 12, scale: 2 },
    updatedAt: { name: 'updated_at', type: 'datetime', precision: 3 },
  },
});
