import { type EntityManager } from 'typeorm';

import { type SqlStatement } from './sql-statement';

/**
 * Marks EventProcess records of one consumer DONE inside the caller's transaction, so a
 * record turns DONE with the work it stands for (`MySqlEventProcessStore.completeIn`, the `processed`
 * marks of event store appends). A record DONE already stays as it is.
 */
export async function markEventProcessDone(
  manager: EntityManager,
  consumer: string,
  messageIds: string | readonly string[],
  at: Date,
): Promise<void> {
  const { sql, params } = eventProcessDone(consumer, messageIds, at);
  await manager.query(sql, [...params]);
}

/** The statement of {@link markEventProcessDone}. */
export function eventProcessDone(
  consumer: string,
  messageIds: string | readonly string[],
  at: Date,
): SqlStatement {
  return {
    // A RECEIVED record was run in-process without a claim: that run counts as an attempt.
    // (MySQL assigns left to right: `attempts` reads the status before it changes.)
    sql: `UPDATE event_process
             SET attempts = IF(status = 'RECEIVED', attempts + 1, attempts),
                 status = 'DONE', updated_at = ?
           WHERE consumer = ? AND message_id IN (?) AND status <> 'DONE'`,
    params: [at, consumer, typeof messageIds === 'string' ? [messageIds] : messageIds],
  };
}
