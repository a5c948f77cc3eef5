import { SAGAFLOW_TABLE_OPTIONS } from '@sagaflow/mysql';
import { type MigrationInterface, type QueryRunner } from 'typeorm';

/** Creates the payment-service's `customers` and `credit_reservations`. */
export class CreatePayments1767312100000 implements MigrationInterface {
  readonly name = 'CreatePayments1767312100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE \`customers\` (
         \`customer_id\` VARCHAR(64) NOT NULL,
         \`credit_limit\` DECIMAL(12,2) NOT NULL,
         \`credit_reserved\` DECIMAL(12,2) NOT NULL DEFAULT 0,
         \`updated_at\` DATETIME(3) NOT NULL,
         PRIMARY KEY (\`customer_id\`)
       ) ${SAGAFLOW_TABLE_OPTIONS}`,
    );
    await queryRunner.query(
      `CREATE TABLE \`credit_reservations\` (
         \`order_id\` VARCHAR(64) NOT NULL,
         \`customer_id\` VARCHAR(64) NOT NULL,
         \`amount\` DECIMAL(12,2) NOT NULL,
         \`status\` VARCHAR(16) NOT NULL,
         \`created_at\` DATETIME(3) NOT NULL,
         \`updated_at\` DATETIME(3) NOT NULL,
         PRIMARY KEY (\`order_id\`),
         KEY \`idx_credit_reservations_customer\` (\`customer_id\`, \`status\`)
       ) ${SAGAFLOW_TABLE_OPTIONS}`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE `credit_reservations`');
    await queryRunner.query('DROP TABLE `customers`');
  }
}
