import { type InboxRecord } from '@sagaflow/core';

/** Filters of {@link FailedInboxPort.listFailed}. */
export interface FailedInboxQuery {
  /** Page size, 1–500. */
  readonly limit: number;
  /** Only this consumer's records. */
  readonly consumer?: string;
  /** The `nextCursor` of the previous page, listed with the same filters. */
  readonly cursor?: string;
}

/** One page of FAILED records, most recently updated first. */
export interface FailedInboxPage {
  readonly items: readonly InboxRecord[];
  /** Pass it as `cursor` to read the next page; null on the last page. */
  readonly nextCursor: string | null;
}

/**
 * The FAILED EventProcess (inbox) records operators look at: messages whose processing
 * failed for good (terminal error, or retries exhausted). `MySqlInbox` of
 * `@sagaflow/mysql` fits as it is.
 *
 * @example
 * ```ts
 * const { items } = await failedInbox.listFailed({ limit: 20, consumer: 'orchestrator' });
 * ```
 */
export interface FailedInboxPort {
  /** FAILED records, most recently updated first. */
  listFailed(query: FailedInboxQuery): Promise<FailedInboxPage>;
  /**
   * How many records are FAILED; `GET /stats` reports it when the port has it.
   * @defaultValue not reported
   */
  countFailed?(): Promise<number>;
}
