import { type ExampleService } from '../example-service';
import { CreatePayments1767312100000 } from './create-payments-1767312100000';
import { CreditReservationEntity } from './credit-reservation-entity';
import { CustomerEntity } from './customer-entity';
import { paymentHandlers } from './payment-handlers';

/** payment-service: a credit limit per customer, credit held per order. */
export const paymentService: ExampleService = {
  name: 'payment-service',
  entities: [CustomerEntity, CreditReservationEntity],
  migrations: [CreatePayments1767312100000],
  handlers: paymentHandlers,
};
