import { ConcurrencyError, DuplicateBusinessKeyError } from '../errors/errors';
import { checkPort } from '../errors/validation';
import { type SagaState } from '../model/saga-state';
import { type Clock } from '../ports/clock';
import { checkAppendBatch, checkAppendRequest } from '../ports/check-append-request';
import {
  type AppendRequest,
  type EventStore,
  type StoredSagaEvent,
  type StreamRange,
} from '../ports/event-store';
import { cloneJson, promiseOf } from './adapter-semantics';
import { InMemoryEventProcessStore } from './in-memory-event-process-store';
import { InMemoryOutbox } from './in-memory-outbox';

/** Options of {@link InMemoryEventStore}. */
export interface InMemoryEventStoreOptions {
  /** Stamps `recordedAt` (and the outbox and EventProcess table it creates). Required: core never reads the wall clock. */
  readonly clock: Clock;
  /**
   * Where appended outbox messages land.
   * @defaultValue a new {@link InMemoryOutbox} on the same clock
   */
  readonly outbox?: InMemoryOutbox;
  /**
   * Where the `processed` mark of an append lands.
   * @defaultValue a new {@link InMemoryEventProcessStore} on the same clock
   */
  readonly eventProcess?: InMemoryEventProcessStore;
}

/**
 * The event store in memory, with the transactional outbox and the EventProcess table it writes to:
 * an append writes events, state projection, outbox messages and the `processed` mark in
 * one synchronous step, so it is all or nothing, and two concurrent appends at one
 * expected version cannot both succeed.
 *
 * @example
 * ```ts
 * const store = new InMemoryEventStore({ clock });
 * await store.append({ sagaId, expectedVersion: 0, events, state, outbox: [] });
 * store.outbox.records(); // what the append put in the outbox
 * ```
 */
export class InMemoryEventStore implements EventStore {
  /** The outbox appends write to. */
  readonly outbox: InMemoryOutbox;
  /** The EventProcess table appends mark `processed` in. */
  readonly eventProcess: InMemoryEventProcessStore;
  readonly #clock: Clock;
  readonly #streams = new Map<string, StoredSagaEvent[]>();
  readonly #states = new Map<string, SagaState>();
  /** `[sagaType, businessKey]` → saga id: the unique business key per saga type. */
  readonly #businessKeys = new Map<string, string>();

  constructor(options: InMemoryEventStoreOptions) {
    this.#clock = checkPort('clock', options.clock, ['now']);
    this.outbox = options.outbox ?? new InMemoryOutbox({ clock: this.#clock });
    this.eventProcess =
      options.eventProcess ?? new InMemoryEventProcessStore({ clock: this.#clock });
  }

  append(request: AppendRequest): Promise<void> {
    return promiseOf(() => {
      this.#append(request);
    });
  }

  appendBatch(requests: readonly AppendRequest[]): Promise<void> {
    return promiseOf(() => {
      checkAppendBatch(requests);
      // All or nothing: every saga's version is checked before anything is written.
      let previous: AppendRequest | undefined;
      for (const request of requests) {
        const chained = previous?.sagaId === request.sagaId;
        const length = this.#streams.get(request.sagaId)?.length ?? 0;
        if (!chained && length !== request.expectedVersion) {
          throw new ConcurrencyError(request.sagaId, request.expectedVersion);
        }
        previous = request;
      }
      this.outbox.assertCanEnqueue(requests.flatMap((r) => r.outbox));
      for (const request of requests) this.#append(request);
    });
  }

  readStream(sagaId: string, range: StreamRange = {}): Promise<readonly StoredSagaEvent[]> {
    const after = this.stream(sagaId).filter((e) => e.seq > (range.afterSeq ?? 0));
    return Promise.resolve(range.limit === undefined ? after : after.slice(0, range.limit));
  }

  findByBusinessKey(sagaType: string, businessKey: string): Promise<string | null> {
    return Promise.resolve(this.#businessKeys.get(businessKeyOf(sagaType, businessKey)) ?? null);
  }

  loadState(sagaId: string): Promise<SagaState | null> {
    return Promise.resolve(this.state(sagaId));
  }

  /** The saga's stream, synchronously (for the test kit and assertions). */
  stream(sagaId: string): readonly StoredSagaEvent[] {
    return cloneJson(this.#streams.get(sagaId) ?? []);
  }

  /** The saga's stored state, synchronously, or null. */
  state(sagaId: string): SagaState | null {
    const state = this.#states.get(sagaId);
    return state === undefined ? null : cloneJson(state);
  }

  /** The ids of every saga, in the order they were created. */
  sagaIds(): readonly string[] {
    return [...this.#streams.keys()];
  }

  #append(request: AppendRequest): void {
    checkAppendRequest(request);
    const { sagaId, expectedVersion, events, state, outbox, processed } = request;
    const stream = this.#streams.get(sagaId) ?? [];
    if (stream.length !== expectedVersion) {
      throw new ConcurrencyError(sagaId, expectedVersion);
    }
    // Only a saga's first append claims its business key.
    const { sagaType, businessKey } = state;
    const claimsBusinessKey = expectedVersion === 0 && businessKey !== null;
    if (claimsBusinessKey) {
      const owner = this.#businessKeys.get(businessKeyOf(sagaType, businessKey));
      if (owner !== undefined) throw new DuplicateBusinessKeyError(sagaType, businessKey, owner);
    }
    this.outbox.assertCanEnqueue(outbox);

    // Nothing below can throw: the append is all or nothing.
    this.outbox.enqueue(outbox);
    if (processed !== undefined)
      this.eventProcess.markDone(processed.consumer, processed.messageId);
    const recordedAt = this.#clock.now().toISOString();
    const stored = events.map((event, index) => ({
      sagaId,
      seq: expectedVersion + index + 1,
      event: cloneJson(event),
      recordedAt,
    }));
    this.#streams.set(sagaId, [...stream, ...stored]);
    this.#states.set(sagaId, cloneJson(state));
    if (claimsBusinessKey) this.#businessKeys.set(businessKeyOf(sagaType, businessKey), sagaId);
  }
}

function businessKeyOf(sagaType: string, businessKey: string): string {
  return JSON.stringify([sagaType, businessKey]);
}
