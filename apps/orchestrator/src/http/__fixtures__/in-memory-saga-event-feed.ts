import { type SagaEvent } from '@sagaflow/core';

import {
  type SagaEventFeedPort,
  type SagaFeedEvent,
  type SagaFeedQuery,
} from '../ports/saga-event-feed-port';

/** An event to record: the saga's next `seq` is taken when it is not given. */
export interface FeedEventInput {
  readonly sagaId: string;
  /** @defaultValue `'transfer'` */
  readonly sagaType?: string;
  /** @defaultValue a `SagaCompleted` */
  readonly event?: SagaEvent;
  /** Characters of padding in the event, to make it large. @defaultValue 0 */
  readonly padding?: number;
}

const AT = '2030-01-01T00:00:00.000Z';

/**
 * {@link SagaEventFeedPort} in memory, with ids as the MySQL table gives them: ascending,
 * and able to show a gap — an id taken ({@link reserve}) and made visible later
 * ({@link commit}) or never.
 */
export class InMemorySagaEventFeed implements SagaEventFeedPort {
  /** The visible events, by id. */
  #events: SagaFeedEvent[] = [];
  #nextId = 1n;
  readonly #seqs = new Map<string, number>();
  /** Every query `readAfter` was called with, in order. */
  readonly reads: SagaFeedQuery[] = [];
  /** Set to make the next reads fail. */
  failure: Error | null = null;

  /** Records events with the next ids, visible at once; returns them. */
  record(...inputs: readonly FeedEventInput[]): SagaFeedEvent[] {
    return inputs.map((input) => this.commit(this.reserve(1)[0] ?? '0', input));
  }

  /** Takes the next `count` ids without showing an event: an append not committed yet. */
  reserve(count: number): string[] {
    return Array.from({ length: count }, () => {
      const id = this.#nextId;
      this.#nextId += 1n;
      return id.toString();
    });
  }

  /** Shows an event under an id taken by {@link reserve}. */
  commit(id: string, input: FeedEventInput): SagaFeedEvent {
    const seq = (this.#seqs.get(input.sagaId) ?? 0) + 1;
    this.#seqs.set(input.sagaId, seq);
    const base = input.event ?? { type: 'SagaCompleted', v: 1, at: AT };
    const event = (
      input.padding === undefined ? base : { ...base, padding: 'x'.repeat(input.padding) }
    ) as SagaEvent;
    const stored: SagaFeedEvent = {
      id,
      sagaId: input.sagaId,
      sagaType: input.sagaType ?? 'transfer',
      seq,
      type: event.type,
      event,
      recordedAt: AT,
    };
    this.#events = [...this.#events, stored].sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
    return stored;
  }

  readAfter(query: SagaFeedQuery): Promise<readonly SagaFeedEvent[]> {
    this.reads.push(query);
    if (this.failure !== null) return Promise.reject(this.failure);
    const after = BigInt(query.afterId);
    const through = query.throughId === undefined ? null : BigInt(query.throughId);
    return Promise.resolve(
      this.#events
        .filter(
          (event) =>
            BigInt(event.id) > after &&
            (through === null || BigInt(event.id) <= through) &&
            (query.sagaId === undefined || event.sagaId === query.sagaId) &&
            (query.sagaType === undefined || event.sagaType === query.sagaType),
        )
        .slice(0, query.limit),
    );
  }

  lastId(): Promise<string> {
    if (this.failure !== null) return Promise.reject(this.failure);
    return Promise.resolve(this.#events.at(-1)?.id ?? '0');
  }
}
