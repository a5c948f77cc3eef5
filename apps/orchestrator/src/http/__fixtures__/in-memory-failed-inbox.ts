import { type InboxRecord } from '@sagaflow/core';
import { type InMemoryInbox } from '@sagaflow/core/testing';

import {
  type FailedInboxPage,
  type FailedInboxPort,
  type FailedInboxQuery,
} from '../ports/failed-inbox-port';

/** {@link FailedInboxPort} over the records of an in-memory inbox. */
export class InMemoryFailedInbox implements FailedInboxPort {
  readonly #inbox: InMemoryInbox;

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

  #failed(): InboxRecord[] {
    return this.#inbox.records().filter((record) => record.status === 'FAILED');
  }
}
