import {
  type DeadLetter,
  type DeadLetterQuery,
  type DeadLetterStore,
  type StoredDeadLetter,
} from '@sagaflow/core';

/** The dead-letter table in memory, idempotent per (consumer, topic, partition, offset). */
export class InMemoryDeadLetterStore implements DeadLetterStore {
  readonly entries: StoredDeadLetter[] = [];

  record(deadLetter: DeadLetter): Promise<{ readonly id: string; readonly created: boolean }> {
    const existing = this.entries.find(
      (e) =>
        e.consumer === deadLetter.consumer &&
        e.sourceTopic === deadLetter.sourceTopic &&
        e.partition === deadLetter.partition &&
        e.offset === deadLetter.offset,
    );
    if (existing !== undefined) return Promise.resolve({ id: existing.id, created: false });
    const id = String(this.entries.length + 1);
    this.entries.push({ ...deadLetter, id, replayedAt: null, replayedBy: null });
    return Promise.resolve({ id, created: true });
  }

  get(id: string): Promise<StoredDeadLetter | null> {
    return Promise.resolve(this.entries.find((e) => e.id === id) ?? null);
  }

  list(query: DeadLetterQuery): Promise<readonly StoredDeadLetter[]> {
    return Promise.resolve([...this.entries].reverse().slice(0, query.limit));
  }

  markReplayed(id: string, actor: string, at: Date): Promise<void> {
    const index = this.entries.findIndex((e) => e.id === id);
    const entry = this.entries[index];
    if (entry !== undefined) {
      this.entries[index] = { ...entry, replayedAt: at.toISOString(), replayedBy: actor };
    }
    return Promise.resolve();
  }
}
