import { SagaflowError, type SagaflowErrorOptions } from '@sagaflow/core';

/**
 * Another process held the migration lock for longer than the wait allowed (a migration
 * that hangs, or a lock left by a stuck session). Retryable: start again later.
 */
export class MigrationLockTimeoutError extends SagaflowError {
  readonly code = 'MIGRATION_LOCK_TIMEOUT';
  readonly retryable = true;
  /** The name of the MySQL user lock (`GET_LOCK`). */
  readonly lockName: string;

  constructor(lockName: string, waitSeconds: number, options?: SagaflowErrorOptions) {
    super(`the migration lock '${lockName}' was not free within ${waitSeconds} s`, {
      ...options,
      context: { ...options?.context, lockName },
    });
    this.lockName = lockName;
  }
}
