import { type MigrationInterface, type QueryRunner } from 'typeorm';

import { SAGAFLOW_TABLE_OPTIONS } from './sagaflow-table-options';

/** Creates `dead_letter`. */
export class SagaflowDeadLetter1767225600003 implements MigrationInterface {
  readonly name = 'SagaflowDeadLetter1767225600003';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE \`dead_letter\` (
         \`id\` BIGINT NOT NULL AUTO_INCREMENT,
         \`consumer\` VARCHAR(128) NOT NULL,
         \`topic\` VARCHAR(249) NOT NULL,
         \`kafka_partition\` INT NOT NULL,
         \`kafka_offset\` VARCHAR(32) NOT NULL,
         \`message_key\` TEXT NULL,
         \`headers\` LONGTEXT NOT NULL,
         \`value\` LONGTEXT NULL,
         \`value_truncated\` TINYINT NOT NULL,
         \`reason_code\` VARCHAR(64) NOT NULL,
         \`reason_message\` TEXT NOT NULL,
         \`message_id\` VARCHAR(255) NULL,
         \`saga_id\` VARCHAR(255) NULL,
         \`failed_at\` DATETIME(3) NOT NULL,
         \`created_at\` DATETIME(3) NOT NULL,
         \`replayed_at\` DATETIME(3) NULL,
         \`replayed_by\` VARCHAR(128) NULL,
         PRIMARY KEY (\`id\`),
         UNIQUE KEY \`uq_dead_letter_source\` (\`consumer\`, \`topic\`, \`kafka_partition\`, \`kafka_offset\`),
         KEY \`ix_dead_letter_created\` (\`created_at\`)
       ) ${SAGAFLOW_TABLE_OPTIONS}`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE `dead_letter`');
  }
}
