import { type EventProcessRecord } from '@sagaflow/core';
import { type InMemoryEventProcessStore } from '@sagaflow/core/testing';

import {
  type FailedEventProcessPage,
  type FailedEventProcessPort,
  type FailedEventProcessQuery,
} from '../ports/failed-event-process-port';

/**
 * {@link FailedEventProcessPort} over the records of an in-memory EventProcess table. A retried record counts
 * as RECEIVED from then on (the in-memory EventProcess table has no way back from FAILED) and is kept in
 * {@link requeued}, as the worker pool would get it.
 */
export class InMemoryFailedEventProcess implements FailedEventProcessPort {
  readonly #eventProcess: InMemoryEventProcessStore;
  /** Every record retried, as handed to the worker pool, in order. */
  readonly requeued: EventProcessRecord[] = [];

  constructor(eventProcess: InMemoryEventProcessStore) {
    this.#eventProcess = eventProcess;
  }

  /** Pages by position: the cursor is the index of the next record. */
  listFailed(query: FailedEventProcessQuery): Promise<FailedEventProcessPage> {
    const matching = this.#failed()
      .filter((record) => query.consumer === undefined || record.consumer === query.consumer)
      .sort((a, b) => Date.parse(b.updatedAt) - Date.parse(a.updatedAt));
    const start = query.cursor === undefined ? 0 : Number(query.cursor);
    const end = start + query.limit;
    return Promise.resolve({
      items: matching.slice(start, end),
      nextCursor: end < matching.length ? String(end) : null,
    });
  }

  countFailed(): Promise<number> {
    return Promise.resolve(this.#failed().length);
  }

  retry(consumer: string, messageId: string): Promise<EventProcessRecord | null> {
    const failed = this.#failed().find(
      (record) => record.consumer === consumer && record.messageId === messageId,
    );
    if (failed === undefined) return Promise.resolve(null);
    const record: EventProcessRecord = { ...failed, status: 'RECEIVED' };
    this.requeued.push(record);
    return Promise.resolve(record);
  }

  #failed(): EventProcessRecord[] {
    const retried = (record: EventProcessRecord) =>
      this.requeued.some((r) => r.consumer === record.consumer && r.messageId === record.messageId);
    return this.#eventProcess
      .records()
      .filter((record) => record.status === 'FAILED' && !retried(record));
  }
}
