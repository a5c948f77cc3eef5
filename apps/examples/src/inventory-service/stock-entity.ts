import { EntitySchema } from 'typeorm';

/** A row of `stock`: units of one SKU free to reserve, and units held by orders. */
export interface StockRow {
  sku: string;
  available: number;
  reserved: number;
  updatedAt: Date;
}

/** The inventory-service's stock levels, one row per SKU. */
export const StockEntity = new EntitySchema<StockRow>({
  name: 'Stock',
  tableName: 'stock',
  columns: {
    sku: { type: 'varchar', length: 64, primary: true },
    available: { type: 'int' },
    reserved: { type: 'int' },
    updatedAt: { name: 'updated_at', type: 'datetime', precision: 3 },
  },
});
