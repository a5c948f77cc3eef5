import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Indexes `saga_instance` for every saga listing: with `(status, updated_at)` and
 * `(saga_type, status, started_at)` already there, `(status, started_at)` and
 * `(saga_type, status, updated_at)` give each status, with or without a type, an index
 * range in start order and in update order, so a listing sorted either way (and the stuck
 * sagas, by last change) reads its page from the index without sorting the table.
 */
export class SagaflowSagaListing1767225600008 implements MigrationInterface {
  readonly name = 'SagaflowSagaListing1767225600008';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE `saga_instance`' +
        ' ADD INDEX `ix_saga_instance_status_started` (`status`, `started_at`),' +
        ' ADD INDEX `ix_saga_instance_type_status_updated` (`saga_type`, `status`, `updated_at`)',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE `saga_instance`' +
        ' DROP INDEX `ix_saga_instance_status_started`,' +
        ' DROP INDEX `ix_saga_instance_type_status_updated`',
    );
  }
}
