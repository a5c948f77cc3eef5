import { type SagaState } from '../model/saga-state';
import { type SagaStateCache } from '../ports/saga-state-cache';
import { cloneJson } from './adapter-semantics';

/**
 * The saga state cache in memory. Like the Redis one, it never replaces a state with a
 * lower version, so a slow writer cannot roll the cache back.
 *
 * @example
 * ```ts
 * const cache = new InMemorySagaStateCache();
 * await cache.set(state);
 * await cache.get(state.sagaId); // a copy of state
 * ```
 */
export class InMemorySagaStateCache implements SagaStateCache {
  readonly #states = new Map<string, SagaState>();

  get(sagaId: string): Promise<SagaState | null> {
    const state = this.#states.get(sagaId);
    return Promise.resolve(state === undefined ? null : cloneJson(state));
  }

  set(state: SagaState): Promise<void> {
    const current = this.#states.get(state.sagaId);
    if (current === undefined || current.version <= state.version) {
      this.#states.set(state.sagaId, cloneJson(state));
    }
    return Promise.resolve();
  }

  delete(sagaId: string): Promise<void> {
    this.#states.delete(sagaId);
    return Promise.resolve();
  }

  /** How many states are cached. */
  size(): number {
    return this.#states.size;
  }
}
