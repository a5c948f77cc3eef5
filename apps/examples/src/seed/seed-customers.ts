import { CustomerEntity } from '../payment-service/customer-entity';
import { money, toCents } from '../money';
import { type ServiceDatabaseTarget, withServiceDatabase } from './service-database-target';

/** A payment-service customer to seed. */
export interface CustomerSeed {
  readonly customerId: string;
  readonly creditLimit: number;
}

/**
 * Creates the customers, or sets the credit limit of those that exist (what they hold stays
 * held). For the demo and the end-to-end tests.
 *
 * @example
 * ```ts
 * await seedCustomers({ database: 'sagaflow_payments' }, [{ customerId: 'c-1', creditLimit: 500 }]);
 * ```
 */
export async function seedCustomers(
  target: ServiceDatabaseTarget,
  customers: readonly CustomerSeed[],
): Promise<void> {
  if (customers.length === 0) return;
  const now = new Date();
  await withServiceDatabase('payment-service', target, async (dataSource) => {
    await dataSource
      .createQueryBuilder()
      .insert()
      .into(CustomerEntity)
      .values(
        customers.map((c) => ({
          customerId: c.customerId,
          creditLimit: money(toCents(c.creditLimit)),
          creditReserved: '0.00',
          updatedAt: now,
        })),
      )
      .orUpdate(['credit_limit', 'updated_at'], ['customer_id'])
      .execute();
  });
}
