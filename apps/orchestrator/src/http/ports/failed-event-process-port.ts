import { type EventProcessRecord } from '@sagaflow/core';

/** Filters of {@link FailedEventProcessPort.listFailed}. */
export interface FailedEventProcessQuery {
  /** Page size, 1–500. */
  readonly limit: number;
  /** Only this consumer's records. */
  readonly consumer?: string;
  /** The `nextCursor` of the previous page, listed with the same filters. */
  readonly cursor?: string;
}

/** One page of FAILED records, most recently updated first. */
export interface FailedEventProcessPage {
  readonly items: readonly EventProcessRecord[];
  /** Pass it as `cursor` to read the next page; null on the last page. */
  readonly nextCursor: string | null;
}

/**
 * The FAILED EventProcess records operators look at and retry: messages whose
 * processing failed for good (terminal error, or retries exhausted). The orchestrator
 * implements it over `MySqlEventProcessStore` of `@sagaflow/mysql` and its worker pool.
 *
 * @example
 * ```ts
 * const { items } = await failedEventProcess.listFailed({ limit: 20, consumer: 'orchestrator' });
 * const record = await failedEventProcess.retry('orchestrator', items[0].messageId);
 * ```
 */
export interface FailedEventProcessPort {
  /** FAILED records, most recently updated first. */
  listFailed(query: FailedEventProcessQuery): Promise<FailedEventProcessPage>;
  /**
   * How many records are FAILED; `GET /stats` reports it when the port has it.
   * @defaultValue not reported
   */
  countFailed?(): Promise<number>;
  /**
   * Processes a FAILED record again: moves it back to RECEIVED and queues it for the worker
   * pool. Returns the record as it is now (RECEIVED), or null when no FAILED record has
   * that key (unknown, or not FAILED: being processed or done).
   */
  retry(consumer: string, messageId: string): Promise<EventProcessRecord | null>;
}
