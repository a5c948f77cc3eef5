import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Indexes `step_result` by `updated_at`, so the retention purge (`StepResults.deleteBefore`)
 * reads the oldest rows in order instead of scanning the table.
 */
export class SagaflowStepResultUpdated1767225600005 implements MigrationInterface {
  readonly name = 'SagaflowStepResultUpdated1767225600005';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE `step_result` ADD INDEX `ix_step_result_updated` (`updated_at`)',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE `step_result` DROP INDEX `ix_step_result_updated`');
  }
}
