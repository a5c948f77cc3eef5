import { SagaflowError } from '@sagaflow/core';

/** Another process held the database's migration lock too long. Retryable. */
export class MigrationLockTimeoutError extends SagaflowError {
  readonly code = 'MIGRATION_LOCK_TIMEOUT';
  readonly retryable = true;

  constructor(lockName: string, timeoutS: number) {
    super(`could not take the migration lock '${lockName}' within ${timeoutS} s`, {
      context: { lockName },
    });
  }
}
