import { type EventProcessRecord } from '@sagaflow/core';
import { type MySqlEventProcessStore } from '@sagaflow/mysql';

import { type FailedEventProcessPort } from '../http/ports/failed-event-process-port';

/** What {@link createFailedEventProcess} works on. */
export interface FailedEventProcessDeps {
  /** The MySQL EventProcess table itself (MySQL decides which records are FAILED). */
  readonly eventProcess: Pick<MySqlEventProcessStore, 'listFailed' | 'countFailed' | 'retryFailed'>;
  /** Hands records to the worker pool: the pool's `requeue`. */
  readonly requeue: (records: readonly EventProcessRecord[]) => Promise<void>;
  /** The consumer whose records the pool processes: the orchestrator's service name. */
  readonly consumer: string;
}

/**
 * The HTTP API's {@link FailedEventProcessPort} over the orchestrator's `event_process` table:
 * lists and counts FAILED records, and retries one by moving it back to RECEIVED and
 * queueing it for the worker pool. Only the orchestrator's own consumer is retried (its pool
 * has no handler for another). Should the queueing fail after the move, the error is
 * thrown and the record, RECEIVED, is requeued by reconciliation once its lease has passed.
 *
 * @example
 * ```ts
 * createHttpApi({ ...deps, failedEventProcess: createFailedEventProcess({ eventProcess, requeue: (r) => pool.requeue(r), consumer }) });
 * ```
 */
export function createFailedEventProcess(deps: FailedEventProcessDeps): FailedEventProcessPort {
  const { eventProcess, requeue, consumer } = deps;
  return {
    listFailed: (query) => eventProcess.listFailed(query),
    countFailed: () => eventProcess.countFailed(),
    async retry(recordConsumer, messageId) {
      if (recordConsumer !== consumer) return null;
      const record = await eventProcess.retryFailed(recordConsumer, messageId);
      if (record !== null) await requeue([record]);
      return record;
    },
  };
}
