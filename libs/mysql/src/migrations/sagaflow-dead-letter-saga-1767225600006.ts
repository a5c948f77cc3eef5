import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Indexes `dead_letter` by `saga_id` (then `id`, the listing's order), so an operator finds
 * the dead letters of one saga, newest first, without a scan.
 */
export class SagaflowDeadLetterSaga1767225600006 implements MigrationInterface {
  readonly name = 'SagaflowDeadLetterSaga1767225600006';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE `dead_letter` ADD INDEX `ix_dead_letter_saga` (`saga_id`, `id`)',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE `dead_letter` DROP INDEX `ix_dead_letter_saga`');
  }
}
