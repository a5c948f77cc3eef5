import { type MigrationInterface, type QueryRunner } from 'typeorm';

import { SAGAFLOW_TABLE_OPTIONS } from './sagaflow-table-options';

/** Creates `event_process`, the EventProcess table. */
export class SagaflowEventProcess1767225600002 implements MigrationInterface {
  readonly name = 'SagaflowEventProcess1767225600002';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE \`event_process\` (
         \`consumer\` VARCHAR(128) NOT NULL,
         \`message_id\` VARCHAR(255) NOT NULL,
         \`saga_id\` VARCHAR(255) NOT NULL,
         \`message_type\` VARCHAR(255) NOT NULL,
         \`payload\` LONGTEXT NOT NULL,
         \`step\` VARCHAR(255) NULL,
         \`direction\` VARCHAR(16) NULL,
         \`status\` VARCHAR(16) NOT NULL,
         \`attempts\` INT NOT NULL,
         \`last_error\` TEXT NULL,
         \`created_at\` DATETIME(3) NOT NULL,
         \`updated_at\` DATETIME(3) NOT NULL,
         PRIMARY KEY (\`consumer\`, \`message_id\`),
         KEY \`ix_event_process_status_updated\` (\`status\`, \`updated_at\`),
         KEY \`ix_event_process_consumer_saga\` (\`consumer\`, \`saga_id\`)
       ) ${SAGAFLOW_TABLE_OPTIONS}`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE `event_process`');
  }
}
