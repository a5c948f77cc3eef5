import { type JsonObject } from './json';
import { type SagaStatus } from './saga-status';
import { type SagaTimer } from './saga-timer';
import { type StepFailure } from './step-failure';

/**
 * Where one step is. `RUNNING` and `COMPENSATING` mean an attempt (forward or compensation)
 * is in flight; the `*_WAITING_RETRY` statuses mean a retry timer is pending. A step the
 * saga has not dispatched yet has no entry in {@link SagaState.steps}; `PENDING` is for
 * views that list every step of the definition next to the state.
 */
export type StepStatus =
  | 'PENDING'
  | 'RUNNING'
  | 'WAITING_RETRY'
  | 'SUCCEEDED'
  | 'FAILED'
  | 'COMPENSATING'
  | 'COMPENSATION_WAITING_RETRY'
  | 'COMPENSATED'
  | 'COMPENSATION_FAILED';

/**
 * Why a saga compensates: the failed step and its failure, or `step: null` with code
 * `ABORTED` for an operator abort.
 */
export interface SagaFailureInfo {
  readonly step: string | null;
  /** The failure's reason code (`CREDIT_LIMIT_EXCEEDED`, `TIMEOUT`, `ABORTED`, …). */
  readonly code: string;
  readonly message: string;
}

/** One step's progress. */
export interface StepState {
  readonly name: string;
  readonly status: StepStatus;
  /** Forward attempts dispatched so far (0 before the first). */
  readonly attempt: number;
  /** Compensation attempts dispatched so far. */
  readonly compensationAttempt: number;
  /**
   * The compensation attempt that opened the current retry budget (0 before the first
   * compensation). The compensation's retry policy counts attempts from here; an operator's
   * `retry-compensation` opens a fresh budget.
   */
  readonly compensationBudgetStart: number;
  /**
   * Compensation attempts of the current budget that failed by a reply (technical failure
   * or invalid reply); timeouts are not counted, since a timeout is no answer. The
   * compensation's retry policy parks the saga when these reach its `maxAttempts`.
   */
  readonly compensationFailures: number;
  /**
   * True when a forward attempt may have been applied by the participant: it replied
   * success, it timed out, or an operator superseded it while in flight (outcome unknown).
   * Such a step is compensated on failure, if it has a compensation.
   */
  readonly mayHaveApplied: boolean;
  readonly lastFailure: StepFailure | null;
}

/**
 * A saga's state: the fold of its events. JSON-safe, so caches can store it as is.
 * `version` is the number of events folded — the expected version for the next append.
 */
export interface SagaState {
  readonly sagaId: string;
  readonly sagaType: string;
  readonly sagaVersion: number;
  readonly businessKey: string | null;
  readonly status: SagaStatus;
  readonly input: JsonObject;
  /** The input plus every success reply's patch. */
  readonly data: JsonObject;
  readonly version: number;
  /**
   * The steps dispatched at least once, by name, in the order they were first dispatched,
   * including the branches of parallel groups. A step not dispatched yet has no entry
   * (`evolve` has no definition to list the others).
   */
  readonly steps: Readonly<Record<string, StepState>>;
  /**
   * Steps with an attempt in flight or waiting for a retry, forward or compensation
   * (status `RUNNING`, `WAITING_RETRY`, `COMPENSATING` or `COMPENSATION_WAITING_RETRY`).
   */
  readonly activeSteps: readonly string[];
  /**
   * Timers that must exist for the saga to progress: the timeout of every attempt in
   * flight whose step has a timeout, and every scheduled retry. Recovery re-arms them.
   */
  readonly pendingTimers: readonly SagaTimer[];
  /**
   * Why the saga compensates; null while all is well (and for a completed saga). Set when
   * compensation starts and kept afterwards; a parked saga's failed compensation is in that
   * step's `lastFailure` (status `COMPENSATION_FAILED`).
   */
  readonly failure: SagaFailureInfo | null;
  readonly startedAt: string;
  readonly updatedAt: string;
  /** When it reached COMPLETED or COMPENSATED. */
  readonly endedAt: string | null;
}
