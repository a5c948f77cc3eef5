import { StockEntity } from '../inventory-service/stock-entity';
import { type ServiceDatabaseTarget, withServiceDatabase } from './service-database-target';

/** An inventory-service stock level to seed. */
export interface StockSeed {
  readonly sku: string;
  readonly available: number;
}

/**
 * Creates the SKUs, or sets the available units of those that exist (what orders hold stays
 * held). For the demo and the end-to-end tests.
 *
 * @example
 * ```ts
 * await seedStock({ database: 'sagaflow_inventory' }, [{ sku: 'sku-1', available: 100 }]);
 * ```
 */
export async function seedStock(
  target: ServiceDatabaseTarget,
  stock: readonly StockSeed[],
): Promise<void> {
  if (stock.length === 0) return;
  const now = new Date();
  await withServiceDatabase('inventory-service', target, async (dataSource) => {
    await dataSource
      .createQueryBuilder()
      .insert()
      .into(StockEntity)
      .values(
        stock.map((s) => ({ sku: s.sku, available: s.available, reserved: 0, updatedAt: now })),
      )
      .orUpdate(['available', 'updated_at'], ['sku'])
      .execute();
  });
}
