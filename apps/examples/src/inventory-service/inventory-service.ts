import { type ExampleService } from '../example-service';
import { CreateInventory1767312200000 } from './create-inventory-1767312200000';
import { inventoryHandlers } from './inventory-handlers';
import { StockEntity } from './stock-entity';
import { StockReservationEntity } from './stock-reservation-entity';

/** inventory-service: stock per SKU, units held per order. */
export const inventoryService: ExampleService = {
  name: 'inventory-service',
  entities: [StockEntity, StockReservationEntity],
  migrations: [CreateInventory1767312200000],
  handlers: inventoryHandlers,
};
