import { type InboxRecord } from '@sagaflow/core';
import { type InMemoryInbox } from '@sagaflow/core/testing';

import {
  type FailedInboxPage,
  type FailedInboxPort,
  type FailedInboxQuery,
} from '../ports/failed-inbox-port';

/**
 * {@link FailedInboxPort} over the records of an in-memory inbox. A retried record counts
 * as RECEIVED from then on (the in-memory inbox has no way back from FAILED) and is kept in
 * {@link requeued}, as the worker pool would get it.
 */
export class InMemoryFailedInbox implements FailedInboxPort {
  readonly #inbox: InMemoryInbox;
  /** Every record retried, as handed to the worker pool, in order. */
  readonly requeued: InboxRecord[] = [];

  constructor(inbox: InMemoryInbox) {
    this.#inbox = inbox;
  }

  /** Pages by position: the cursor is the index of the next record. */
  listFailed(query: FailedInboxQuery): Promise<FailedInboxPage> {
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

  retry(consumer: string, messageId: string): Promise<InboxRecord | null> {
    const failed = this.#failed().find(
      (record) => record.consumer === consumer && record.messageId === messageId,
    );
    if (failed === undefined) return Promise.resolve(null);
    const record: InboxRecord = { ...failed, status: 'RECEIVED' };
    this.requeued.push(record);
    return Promise.resolve(record);
  }

  #failed(): InboxRecord[] {
    const retried = (record: InboxRecord) =>
      this.requeued.some((r) => r.consumer === record.consumer && r.messageId === record.messageId);
    return this.#inbox.records().filter((record) => record.status === 'FAILED' && !retried(record));
  }
}
