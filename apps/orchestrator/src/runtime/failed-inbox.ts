import { type InboxRecord } from '@sagaflow/core';
import { type MySqlInbox } from '@sagaflow/mysql';

import { type FailedInboxPort } from '../http/ports/failed-inbox-port';

/** What {@link createFailedInbox} works on. */
export interface FailedInboxDeps {
  /** The MySQL inbox itself (MySQL decides which records are FAILED). */
  readonly inbox: Pick<MySqlInbox, 'listFailed' | 'countFailed' | 'retryFailed'>;
  /** Hands records to the worker pool: the pool's `requeue`. */
  readonly requeue: (records: readonly InboxRecord[]) => Promise<void>;
  /** The consumer whose records the pool processes: the orchestrator's service name. */
  readonly consumer: string;
}

/**
 * The HTTP API's {@link FailedInboxPort} over the orchestrator's `event_process` table:
 * lists and counts FAILED records, and retries one by moving it back to RECEIVED and
 * queueing it for the worker pool. Only the orchestrator's own consumer is retried (its pool
 * has no handler for another). Should the queueing fail after the move, the error is
 * thrown and the record, RECEIVED, is requeued by reconciliation once its lease has passed.
 *
 * @example
 * ```ts
 * createHttpApi({ ...deps, failedInbox: createFailedInbox({ inbox, requeue: (r) => pool.requeue(r), consumer }) });
 * ```
 */
export function createFailedInbox(deps: FailedInboxDeps): FailedInboxPort {
  const { inbox, requeue, consumer } = deps;
  return {
    listFailed: (query) => inbox.listFailed(query),
    countFailed: () => inbox.countFailed(),
    async retry(recordConsumer, messageId) {
      if (recordConsumer !== consumer) return null;
      const record = await inbox.retryFailed(recordConsumer, messageId);
      if (record !== null) await requeue([record]);
      return record;
    },
  };
}
