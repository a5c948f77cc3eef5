import { type MySqlOutbox } from './mysql-outbox';

/** Rows deleted per statement: small transactions that never hold the table for long. */
const BATCH_SIZE = 1000;
/** Statements per run; a larger backlog is finished by the next runs. */
const MAX_BATCHES = 100;

/**
 * Deletes outbox rows published before `before`, a batch at a time, and returns how many
 * went: the outbox clean-up the orchestrator and every participant run on a schedule.
 * Unpublished rows are never touched. Bounded per run, so one run after a long pause
 * cannot monopolise the maintenance worker.
 *
 * @example
 * ```ts
 * jobs.register('outbox-cleanup', 300_000, () =>
 *   deletePublishedOutbox(outbox, new Date(Date.now() - 3_600_000)));
 * ```
 */
export async function deletePublishedOutbox(
  outbox: Pick<MySqlOutbox, 'deletePublishedBefore'>,
  before: Date,
): Promise<number> {
  let deleted = 0;
  for (let batch = 0; batch < MAX_BATCHES; batch += 1) {
    const count = await outbox.deletePublishedBefore(before, BATCH_SIZE);
    deleted += count;
    if (count < BATCH_SIZE) break;
  }
  return deleted;
}
