import { toCents } from '../money';
import { CreditReservationEntity } from '../payment-service/credit-reservation-entity';
import { CustomerEntity } from '../payment-service/customer-entity';
import { type ServiceDatabaseTarget, withServiceDatabase } from './service-database-target';

/** The payment-service's state, amounts as numbers. */
export interface PaymentsSnapshot {
  /** By customer id. */
  readonly customers: readonly {
    readonly customerId: string;
    readonly creditLimit: number;
    readonly creditReserved: number;
  }[];
  /** By order id. */
  readonly reservations: readonly {
    readonly orderId: string;
    readonly customerId: string;
    readonly amount: number;
    readonly status: 'HELD' | 'RELEASED';
  }[];
}

/** Reads every customer and credit reservation, for assertions and the demo's summary. */
export async function readPaymentsSnapshot(
  target: ServiceDatabaseTarget,
): Promise<PaymentsSnapshot> {
  return withServiceDatabase('payment-service', target, async (dataSource) => {
    const customers = await dataSource.manager.find(CustomerEntity, {
      order: { customerId: 'ASC' },
    });
    const reservations = await dataSource.manager.find(CreditReservationEntity, {
      order: { orderId: 'ASC' },
    });
    return {
      customers: customers.map((c) => ({
        customerId: c.customerId,
        creditLimit: toCents(c.creditLimit) / 100,
        creditReserved: toCents(c.creditReserved) / 100,
      })),
      reservations: reservations.map((r) => ({
        orderId: r.orderId,
        customerId: r.customerId,
        amount: toCents(r.amount) / 100,
        status: r.status,
      })),
    };
  });
}
