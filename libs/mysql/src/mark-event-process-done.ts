import { type EntityManager } from 'typeorm';

/**
 * Marks an EventProcess record DONE inside the caller's transaction, so the record turns
 * DONE with the work it stands for (`MySqlInbox.completeIn`, and the `processed` mark of
 * an event store append). A record DONE already stays as it is.
 */
export async function markEventProcessDone(
  manager: EntityManager,
  consumer: string,
  messageId: string,
  at: Date,
): Promise<void> {
  await manager.query(
    // A RECEIVED record was run in-process without a claim: that run counts as an attempt.
    // (MySQL assigns left to right: `attempts` reads the status before it changes.)
    `UPDATE event_process
        SET attempts = IF(status = 'RECEIVED', attempts + 1, attempts),
            status = 'DONE', updated_at = ?
      WHERE consumer = ? AND message_id = ? AND status <> 'DONE'`,
    [at, consumer, messageId],
  );
}
