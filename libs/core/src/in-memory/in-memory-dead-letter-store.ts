import { checkInteger, checkTime } from '../errors/validation';
import { InvalidArgumentError } from '../errors/errors';
import {
  type DeadLetter,
  type DeadLetterQuery,
  type DeadLetterStore,
  type StoredDeadLetter,
} from '../ports/dead-letter-store';
import { cloneJson, promiseOf } from './adapter-semantics';

/** Ids are decimal integers from 1, as an auto-increment key would give them. */
const ROW_ID = /^[1-9][0-9]*$/;

/**
 * The dead-letter table in memory: ids count up from `'1'`, `record` is idempotent per
 * `(consumer, sourceTopic, partition, offset)`, and `list` is newest first (highest id
 * first) with `beforeId` paging — as the MySQL table behaves.
 *
 * @example
 * ```ts
 * const store = new InMemoryDeadLetterStore();
 * const { id } = await store.record(deadLetter);
 * await store.markReplayed(id, 'ops-ann', clock.now(), 'the handler is deployed');
 * ```
 */
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
    this.#entries.push({
      ...cloneJson(deadLetter),
      id,
      replayedAt: null,
      replayedBy: null,
      replayReason: null,
    });
    return Promise.resolve({ id, created: true });
  }

  get(id: string): Promise<StoredDeadLetter | null> {
    const entry = this.#entries.find((e) => e.id === id);
    return Promise.resolve(entry === undefined ? null : cloneJson(entry));
  }

  list(query: DeadLetterQuery): Promise<readonly StoredDeadLetter[]> {
    return promiseOf(() => {
      const limit = checkInteger('limit', query.limit, 1, 1000);
      const { beforeId } = query;
      if (beforeId !== undefined && !ROW_ID.test(beforeId)) return [];
      const matching = this.#entries.filter(
        (entry) =>
          (beforeId === undefined || Number(entry.id) < Number(beforeId)) &&
          (query.reasonCode === undefined || entry.reason.code === query.reasonCode) &&
          (query.sourceTopic === undefined || entry.sourceTopic === query.sourceTopic) &&
          (query.sagaId === undefined || entry.sagaId === query.sagaId) &&
          (query.replayed === undefined || (entry.replayedAt !== null) === query.replayed),
      );
      return cloneJson(matching.reverse().slice(0, limit));
    });
  }

  /** Stamps who replayed it, when and why; throws `InvalidArgumentError` for an unknown id. */
  markReplayed(id: string, actor: string, at: Date, reason?: string): Promise<void> {
    return promiseOf(() => {
      const replayedAt = new Date(checkTime('at', at)).toISOString();
      const index = this.#entries.findIndex((entry) => entry.id === id);
      const entry = this.#entries[index];
      if (entry === undefined) throw new InvalidArgumentError('id', id, 'names no dead letter');
      this.#entries[index] = {
        ...entry,
        replayedAt,
        replayedBy: actor,
        replayReason: reason ?? null,
      };
    });
  }
}
