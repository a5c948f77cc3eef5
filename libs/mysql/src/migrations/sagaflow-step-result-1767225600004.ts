import { type MigrationInterface, type QueryRunner } from 'typeorm';

import { SAGAFLOW_TABLE_OPTIONS } from './sagaflow-table-options';

/** Creates `step_result` (participants only). */
export class SagaflowStepResult1767225600004 implements MigrationInterface {
  readonly name = 'SagaflowStepResult1767225600004';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE \`step_result\` (
         \`consumer\` VARCHAR(128) NOT NULL,
         \`saga_id\` VARCHAR(255) NOT NULL,
         \`step\` VARCHAR(255) NOT NULL,
         \`direction\` VARCHAR(16) NOT NULL,
         \`message_id\` VARCHAR(255) NOT NULL,
         \`attempt\` INT NOT NULL,
         \`reply\` LONGTEXT NULL,
         \`created_at\` DATETIME(3) NOT NULL,
         \`updated_at\` DATETIME(3) NOT NULL,
         PRIMARY KEY (\`consumer\`, \`saga_id\`, \`step\`, \`direction\`)
       ) ${SAGAFLOW_TABLE_OPTIONS}`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE `step_result`');
  }
}
