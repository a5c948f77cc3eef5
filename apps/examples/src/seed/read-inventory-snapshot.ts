import { StockEntity } from '../inventory-service/stock-entity';
import { StockReservationEntity } from '../inventory-service/stock-reservation-entity';
import { type ServiceDatabaseTarget, withServiceDatabase } from './service-database-target';

/** The inventory-service's state. */
export interface InventorySnapshot {
  /** By SKU. */
  readonly stock: readonly {
    readonly sku: string;
    readonly available: number;
    readonly reserved: number;
  }[];
  /** By order id. */
  readonly reservations: readonly {
    readonly orderId: string;
    readonly sku: string;
    readonly quantity: number;
    readonly status: 'HELD' | 'RELEASED';
  }[];
}

/** Reads every stock level and stock reservation, for assertions and the demo's summary. */
export async function readInventorySnapshot(
  target: ServiceDatabaseTarget,
): Promise<InventorySnapshot> {
  return withServiceDatabase('inventory-service', target, async (dataSource) => {
    const stock = await dataSource.manager.find(StockEntity, { order: { sku: 'ASC' } });
    const reservations = await dataSource.manager.find(StockReservationEntity, {
      order: { orderId: 'ASC' },
    });
    return {
      stock: stock.map((s) => ({ sku: s.sku, available: s.available, reserved: s.reserved })),
      reservations: reservations.map((r) => ({
        orderId: r.orderId,
        sku: r.sku,
        quantity: r.quantity,
        status: r.status,
      })),
    };
  });
}
