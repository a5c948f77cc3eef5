import { type ExampleService } from '../example-service';
import { CreateOrders1767312000000 } from './create-orders-1767312000000';
import { NotificationEntity } from './notification-entity';
import { OrderEntity } from './order-entity';
import { orderHandlers } from './order-handlers';

/** order-service: orders (PENDING → APPROVED or REJECTED) and customer notifications. */
export const orderService: ExampleService = {
  name: 'order-service',
  entities: [OrderEntity, NotificationEntity],
  migrations: [CreateOrders1767312000000],
  handlers: orderHandlers,
};
