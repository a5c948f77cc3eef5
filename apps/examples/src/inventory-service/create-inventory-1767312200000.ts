import { SAGAFLOW_TABLE_OPTIONS } from '@sagaflow/mysql';
import { type MigrationInterface, type QueryRunner } from 'typeorm';

/** Creates the inventory-service's `stock` and `stock_reservations`. */
export class CreateInventory1767312200000 implements MigrationInterface {
  readonly name = 'CreateInventory1767312200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE \`stock\` (
         \`sku\` VARCHAR(64) NOT NULL,
         \`available\` INT NOT NULL,
         \`reserved\` INT NOT NULL DEFAULT 0,
         \`updated_at\` DATETIME(3) NOT NULL,
         PRIMARY KEY (\`sku\`)
       ) ${SAGAFLOW_TABLE_OPTIONS}`,
    );
    await queryRunner.query(
      `CREATE TABLE \`stock_reservations\` (
         \`order_id\` VARCHAR(64) NOT NULL,
         \`sku\` VARCHAR(64) NOT NULL,
         \`quantity\` INT NOT NULL,
         \`status\` VARCHAR(16) NOT NULL,
         \`created_at\` DATETIME(3) NOT NULL,
         \`updated_at\` DATETIME(3) NOT NULL,
         PRIMARY KEY (\`order_id\`),
         KEY \`idx_stock_reservations_sku\` (\`sku\`, \`status\`)
       ) ${SAGAFLOW_TABLE_OPTIONS}`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE `stock_reservations`');
    await queryRunner.query('DROP TABLE `stock`');
  }
}
