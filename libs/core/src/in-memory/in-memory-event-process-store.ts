import { checkInteger, checkPort, checkTime } from '../errors/validation';
import { type Clock } from '../ports/clock';
import {
  type EventProcessStatus,
  type EventProcessStore,
  type EventProcessMessage,
  type EventProcessRecord,
  type ReceiveResult,
} from '../ports/event-process-store';
import { cloneJson, promiseOf } from './adapter-semantics';

/** Options of {@link InMemoryEventProcessStore}. */
export interface InMemoryEventProcessStoreOptions {
  /** Stamps `createdAt` and `updatedAt`. Required: core never reads the wall clock. */
  readonly clock: Clock;
}

/**
 * The EventProcess table in memory: a message is recorded once per
 * `(consumer, messageId)`; every later copy is reported as a duplicate.
 *
 * A record's lease is its `updatedAt`: a PROCESSING record whose `updatedAt` is before
 * `leaseExpiredBefore` may be claimed again. DONE is final.
 *
 * @example
 * ```ts
 * const eventProcess = new InMemoryEventProcessStore({ clock });
 * const { accepted, duplicates } = await eventProcess.receive(batch);
 * const record = await eventProcess.claim('orchestrator', accepted[0].messageId, leaseCutoff);
 * ```
 */
export class InMemoryEventProcessStore implements EventProcessStore {
  readonly #clock: Clock;
  readonly #records = new Map<string, EventProcessRecord>();

  constructor(options: InMemoryEventProcessStoreOptions) {
    this.#clock = checkPort('clock', options.clock, ['now']);
  }

  receive<M extends EventProcessMessage>(messages: readonly M[]): Promise<ReceiveResult<M>> {
    const accepted: M[] = [];
    const duplicates: M[] = [];
    const now = this.#clock.now().toISOString();
    for (const message of messages) {
      const key = recordKey(message.consumer, message.messageId);
      if (this.#records.has(key)) {
        duplicates.push(message);
        continue;
      }
      const { consumer, messageId, sagaId, messageType, payload } = message;
      this.#records.set(key, {
        consumer,
        messageId,
        sagaId,
        messageType,
        payload,
        status: 'RECEIVED',
        attempts: 0,
        lastError: null,
        createdAt: now,
        updatedAt: now,
      });
      accepted.push(message);
    }
    return Promise.resolve({ accepted, duplicates });
  }

  get(consumer: string, messageId: string): Promise<EventProcessRecord | null> {
    const record = this.#records.get(recordKey(consumer, messageId));
    return Promise.resolve(record === undefined ? null : cloneJson(record));
  }

  claim(
    consumer: string,
    messageId: string,
    leaseExpiredBefore: Date,
  ): Promise<EventProcessRecord | null> {
    return promiseOf(() => {
      const cutoff = checkTime('leaseExpiredBefore', leaseExpiredBefore);
      const record = this.#records.get(recordKey(consumer, messageId));
      if (record === undefined || !isClaimable(record, cutoff)) return null;
      return cloneJson(
        this.#update(record, { status: 'PROCESSING', attempts: record.attempts + 1 }),
      );
    });
  }

  complete(consumer: string, messageId: string): Promise<void> {
    this.markDone(consumer, messageId);
    return Promise.resolve();
  }

  fail(consumer: string, messageId: string, error: string): Promise<void> {
    const record = this.#records.get(recordKey(consumer, messageId));
    if (record !== undefined && record.status !== 'DONE') {
      this.#update(record, { status: 'FAILED', lastError: error });
    }
    return Promise.resolve();
  }

  findStale(olderThan: Date, limit: number): Promise<readonly EventProcessRecord[]> {
    return promiseOf(() => {
      const cutoff = checkTime('olderThan', olderThan);
      checkInteger('limit', limit, 1);
      const stale = [...this.#records.values()]
        .filter((r) => isInProgress(r.status) && Date.parse(r.updatedAt) < cutoff)
        .sort((a, b) => Date.parse(a.updatedAt) - Date.parse(b.updatedAt))
        .slice(0, limit);
      return cloneJson(stale);
    });
  }

  /**
   * Marks a record DONE synchronously; used by {@link InMemoryEventStore} so the mark
   * lands in the same step as the events. A missing record is left missing, as an SQL
   * `UPDATE` of no row would.
   */
  markDone(consumer: string, messageId: string): void {
    const record = this.#records.get(recordKey(consumer, messageId));
    if (record !== undefined && record.status !== 'DONE') {
      this.#update(record, { status: 'DONE', attempts: ranOnce(record) });
    }
  }

  /** Every record, in the order received. */
  records(): readonly EventProcessRecord[] {
    return cloneJson([...this.#records.values()]);
  }

  #update(
    record: EventProcessRecord,
    change: Partial<Pick<EventProcessRecord, 'status' | 'attempts' | 'lastError'>>,
  ): EventProcessRecord {
    const updated: EventProcessRecord = {
      ...record,
      ...change,
      updatedAt: this.#clock.now().toISOString(),
    };
    this.#records.set(recordKey(record.consumer, record.messageId), updated);
    return updated;
  }
}

function recordKey(consumer: string, messageId: string): string {
  return JSON.stringify([consumer, messageId]);
}

function isInProgress(status: EventProcessStatus): boolean {
  return status === 'RECEIVED' || status === 'PROCESSING';
}

function isClaimable(record: EventProcessRecord, leaseCutoffMs: number): boolean {
  switch (record.status) {
    case 'RECEIVED':
    case 'FAILED':
      return true;
    case 'PROCESSING':
      return Date.parse(record.updatedAt) < leaseCutoffMs;
    case 'DONE':
      return false;
  }
}

/** A RECEIVED record completed was run without a claim (in-process): that run is an attempt. */
function ranOnce(record: EventProcessRecord): number {
  return record.status === 'RECEIVED' ? record.attempts + 1 : record.attempts;
}
