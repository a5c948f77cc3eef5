import { type ExampleServiceName } from './config';
import { type ExampleService } from './example-service';
import { inventoryService } from './inventory-service/inventory-service';
import { orderService } from './order-service/order-service';
import { paymentService } from './payment-service/payment-service';

/** The three example services by name. */
export const exampleServices: Readonly<Record<ExampleServiceName, ExampleService>> = {
  'order-service': orderService,
  'payment-service': paymentService,
  'inventory-service': inventoryService,
};
