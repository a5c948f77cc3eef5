import { type MigrationInterface, type QueryRunner } from 'typeorm';

import { OUTBOX_SHARD_COUNT } from '../outbox-shard';
import { SAGAFLOW_TABLE_OPTIONS } from './sagaflow-table-options';

/** Creates `outbox` and `outbox_shard`, with one row per shard. */
export class SagaflowOutbox1767225600001 implements MigrationInterface {
  readonly name = 'SagaflowOutbox1767225600001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE \`outbox\` (
         \`seq\` BIGINT NOT NULL AUTO_INCREMENT,
         \`message_id\` VARCHAR(255) NOT NULL,
         \`topic\` VARCHAR(249) NOT NULL,
         \`message_key\` VARCHAR(255) NOT NULL,
         \`shard\` SMALLINT NOT NULL,
         \`headers\` LONGTEXT NOT NULL,
         \`value\` LONGTEXT NOT NULL,
         \`created_at\` DATETIME(3) NOT NULL,
         \`published_at\` DATETIME(3) NULL,
         PRIMARY KEY (\`seq\`),
         UNIQUE KEY \`uq_outbox_message_id\` (\`message_id\`),
         KEY \`ix_outbox_published_shard_seq\` (\`published_at\`, \`shard\`, \`seq\`)
       ) ${SAGAFLOW_TABLE_OPTIONS}`,
    );
    await queryRunner.query(
      `CREATE TABLE \`outbox_shard\` (
         \`shard\` SMALLINT NOT NULL,
         PRIMARY KEY (\`shard\`)
       ) ${SAGAFLOW_TABLE_OPTIONS}`,
    );
    const shards = Array.from({ length: OUTBOX_SHARD_COUNT }, (_, shard) => [shard]);
    await queryRunner.query('INSERT INTO `outbox_shard` (`shard`) VALUES ?', [shards]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE `outbox_shard`');
    await queryRunner.query('DROP TABLE `outbox`');
  }
}
