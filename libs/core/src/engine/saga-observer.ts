import { type SagaCommand } from '../model/saga-command';
import { type SagaEvent } from '../model/saga-event';
import { type SagaState } from '../model/saga-state';

/**
 * What kind of input a decision answered; `operator` covers an operator's action and the
 * record of an operator's redelivery of a message.
 */
export type SagaInputKind = 'start' | 'reply' | 'timer' | 'operator';

/** A committed decision, as {@link SagaObserver.onDecision} sees it. */
export interface DecisionObservation {
  readonly sagaId: string;
  readonly sagaType: string;
  readonly input: SagaInputKind;
  /** The state the decision was made on; null for a start. */
  readonly before: SagaState | null;
  readonly after: SagaState;
  readonly events: readonly SagaEvent[];
  readonly commands: readonly SagaCommand[];
  /** Time from loading the state to the commit, by the engine's clock (conflict retries included). */
  readonly durationMs?: number;
}

/** An append lost the optimistic lock; the engine reloads and decides again. */
export interface ConflictObservation {
  readonly sagaId: string;
  readonly sagaType: string;
  /** The version the losing decision was made on. */
  readonly expectedVersion: number;
  /** 1 for the first conflict of this input. */
  readonly retry: number;
  /** False when the retries are exhausted and the error is rethrown. */
  readonly willRetry: boolean;
}

/** The state cache failed; the engine carried on without it. */
export interface CacheErrorObservation {
  readonly sagaId: string;
  readonly operation: 'get' | 'set' | 'delete';
  readonly error: unknown;
}

/** Timers could not be scheduled or cancelled after a commit. */
export interface SchedulingErrorObservation {
  readonly sagaId: string;
  readonly error: unknown;
}

/**
 * Hooks for metrics and tracing. Every hook is optional and called after the fact; a hook
 * that throws is logged and never changes what the engine does.
 *
 * @example
 * ```ts
 * const observer: SagaObserver = {
 *   onDecision: ({ sagaType, before, after }) => {
 *     if (before?.status !== after.status) sagaStatusChanges.inc({ sagaType, status: after.status });
 *   },
 *   onConflict: ({ sagaType }) => conflicts.inc({ sagaType }),
 * };
 * ```
 */
export interface SagaObserver {
  onDecision?(observation: DecisionObservation): void;
  onConflict?(observation: ConflictObservation): void;
  onCacheError?(observation: CacheErrorObservation): void;
  onSchedulingError?(observation: SchedulingErrorObservation): void;
  /** A start found the saga already there (same business key or saga id): none was created. */
  onDuplicateStart?(observation: { readonly sagaId: string; readonly sagaType: string }): void;
}
