import {
  type DeadLetter,
  type DeadLetterQuery,
  type DeadLetterStore,
  type StoredDeadLetter,
} from '@sagaflow/core';

import { type DeadLetterReplayPort } from '../ports/dead-letter-replay-port';

/** The dead-letter table in memory: ids count up from 1, listings are newest first. */
export class InMemoryDeadLetterStore implements DeadLetterStore {
  readonly #entries: StoredDeadLetter[] = [];

  record(deadLetter: DeadLetter): Promise<{ readonly id: string; readonly created: boolean }> {
    const existing = this.#entries.find(
      (entry) =>
        entry.consumer === deadLetter.consumer &&
        entry.sourceTopic === deadLetter.sourceTopic &&
        entry.partition === deadLetter.partition &&
        entry.offset === deadLetter.offset,
    );
    if (existing !== undefined) return Promise.resolve({ id: existing.id, created: false });
    const id = String(this.#entries.length + 1);
    this.#entries.push({ ...deadLetter, id, replayedAt: null, replayedBy: null });
    return Promise.resolve({ id, created: true });
  }

  get(id: string): Promise<StoredDeadLetter | null> {
    return Promise.resolve(this.#entries.find((entry) => entry.id === id) ?? null);
  }

  list(query: DeadLetterQuery): Promise<readonly StoredDeadLetter[]> {
    return Promise.resolve(
      this.#entries
        .filter(
          (entry) =>
            (query.beforeId === undefined || Number(entry.id) < Number(query.beforeId)) &&
            (query.reasonCode === undefined || entry.reason.code === query.reasonCode) &&
            (query.sourceTopic === undefined || entry.sourceTopic === query.sourceTopic) &&
            (query.replayed === undefined || (entry.replayedAt !== null) === query.replayed),
        )
        .reverse()
        .slice(0, query.limit),
    );
  }

  markReplayed(id: string, actor: string, at: Date): Promise<void> {
    const index = this.#entries.findIndex((entry) => entry.id === id);
    const entry = this.#entries[index];
    if (entry !== undefined) {
      this.#entries[index] = { ...entry, replayedAt: at.toISOString(), replayedBy: actor };
    }
    return Promise.resolve();
  }
}

/** A {@link DeadLetterReplayPort} that keeps what it re-published, or fails when told to. */
export class InMemoryDeadLetterReplay implements DeadLetterReplayPort {
  /** Every record re-published, in order. */
  readonly published: StoredDeadLetter[] = [];
  /** When set, `replay` rejects with it and publishes nothing. */
  failure: Error | null = null;

  replay(deadLetter: StoredDeadLetter): Promise<void> {
    if (this.failure !== null) return Promise.reject(this.failure);
    this.published.push(deadLetter);
    return Promise.resolve();
  }
}

/** A dead letter as a consumer records it; `overrides` change any field. */
export function sampleDeadLetter(overrides: Partial<DeadLetter> = {}): DeadLetter {
  return {
    consumer: 'ledger',
    sourceTopic: 'sagaflow.ledger.commands',
    partition: 0,
    offset: '41',
    key: 'saga-1',
    value: '{not json',
    valueTruncated: false,
    headers: { 'sagaflow-message-id': 'm-1' },
    reason: { code: 'MALFORMED_MESSAGE', message: 'value is not JSON' },
    messageId: null,
    sagaId: null,
    failedAt: '2030-01-01T00:00:00.000Z',
    ...overrides,
  };
}
