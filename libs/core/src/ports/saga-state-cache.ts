import { type SagaState } from '../model/saga-state';

/**
 * A cache of saga states (Redis in production). Never the source of truth: the engine
 * falls back to replaying the event store when the cache misses or is stale, and the
 * optimistic lock in the store catches any stale read.
 *
 * Contract: `set` never replaces a state with a lower `version`; `get` of an unknown id
 * is null; every method may fail, and the engine treats a failure as a miss.
 */
export interface SagaStateCache {
  get(sagaId: string): Promise<SagaState | null>;
  set(state: SagaState): Promise<void>;
  delete(sagaId: string): Promise<void>;
}
