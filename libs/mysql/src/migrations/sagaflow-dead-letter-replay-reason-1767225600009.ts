import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Adds `dead_letter.replay_reason`: why the operator replayed the dead letter last, kept
 * beside who (`replayed_by`) and when (`replayed_at`).
 */
export class SagaflowDeadLetterReplayReason1767225600009 implements MigrationInterface {
  readonly name = 'SagaflowDeadLetterReplayReason1767225600009';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE `dead_letter` ADD COLUMN `replay_reason` TEXT NULL AFTER `replayed_by`',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE `dead_letter` DROP COLUMN `replay_reason`');
  }
}
