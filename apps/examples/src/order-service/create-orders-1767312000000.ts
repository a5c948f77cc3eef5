import { SAGAFLOW_TABLE_OPTIONS } from '@sagaflow/mysql';
import { type MigrationInterface, type QueryRunner } from 'typeorm';

/** Creates the order-service's `orders` and `notifications`. */
export class CreateOrders1767312000000 implements MigrationInterface {
  readonly name = 'CreateOrders1767312000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE \`orders\` (
         \`order_id\` VARCHAR(64) NOT NULL,
         \`customer_id\` VARCHAR(64) NOT NULL,
         \`sku\` VARCHAR(64) NOT NULL,
         \`quantity\` INT NOT NULL,
         \`amount\` DECIMAL(12,2) NOT NULL,
         \`status\` VARCHAR(16) NOT NULL,
         \`created_at\` DATETIME(3) NOT NULL,
         \`updated_at\` DATETIME(3) NOT NULL,
         PRIMARY KEY (\`order_id\`),
         KEY \`idx_orders_status\` (\`status\`)
       ) ${SAGAFLOW_TABLE_OPTIONS}`,
    );
    await queryRunner.query(
      `CREATE TABLE \`notifications\` (
         \`order_id\` VARCHAR(64) NOT NULL,
         \`sent_at\` DATETIME(3) NOT NULL,
         PRIMARY KEY (\`order_id\`)
       ) ${SAGAFLOW_TABLE_OPTIONS}`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE `notifications`');
    await queryRunner.query('DROP TABLE `orders`');
  }
}
