import { type MigrationInterface, type QueryRunner } from 'typeorm';

import { SAGAFLOW_TABLE_OPTIONS } from './sagaflow-table-options';

/** Creates `saga_event` (the event store) and `saga_instance` (its listing projection). */
export class SagaflowEventStore1767225600000 implements MigrationInterface {
  readonly name = 'SagaflowEventStore1767225600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE \`saga_event\` (
         \`id\` BIGINT NOT NULL AUTO_INCREMENT,
         \`saga_id\` VARCHAR(64) NOT NULL,
         \`seq\` INT NOT NULL,
         \`type\` VARCHAR(64) NOT NULL,
         \`event\` LONGTEXT NOT NULL,
         \`recorded_at\` DATETIME(3) NOT NULL,
         PRIMARY KEY (\`id\`),
         UNIQUE KEY \`uq_saga_event_saga_seq\` (\`saga_id\`, \`seq\`)
       ) ${SAGAFLOW_TABLE_OPTIONS}`,
    );
    await queryRunner.query(
      `CREATE TABLE \`saga_instance\` (
         \`saga_id\` VARCHAR(64) NOT NULL,
         \`saga_type\` VARCHAR(64) NOT NULL,
         \`saga_version\` INT NOT NULL,
         \`business_key\` VARCHAR(191) NULL,
         \`status\` VARCHAR(32) NOT NULL,
         \`current_step\` VARCHAR(191) NULL,
         \`data\` LONGTEXT NOT NULL,
         \`state\` LONGTEXT NOT NULL,
         \`version\` INT NOT NULL,
         \`failure_code\` VARCHAR(128) NULL,
         \`started_at\` DATETIME(3) NOT NULL,
         \`updated_at\` DATETIME(3) NOT NULL,
         \`ended_at\` DATETIME(3) NULL,
         PRIMARY KEY (\`saga_id\`),
         UNIQUE KEY \`uq_saga_instance_business_key\` (\`saga_type\`, \`business_key\`),
         KEY \`ix_saga_instance_status_updated\` (\`status\`, \`updated_at\`),
         KEY \`ix_saga_instance_type_status_started\` (\`saga_type\`, \`status\`, \`started_at\`),
         KEY \`ix_saga_instance_started\` (\`started_at\`),
         KEY \`ix_saga_instance_ended\` (\`ended_at\`),
         KEY \`ix_saga_instance_business_key\` (\`business_key\`)
       ) ${SAGAFLOW_TABLE_OPTIONS}`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE `saga_instance`');
    await queryRunner.query('DROP TABLE `saga_event`');
  }
}
