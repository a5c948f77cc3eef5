import { type JsonObject } from './json';
import { type SagaStatus } from './saga-status';
import { type SagaTimer } from './saga-timer';
import { type StepFailure } from './step-failure';

/** Where one step is. */
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

/** Why a saga compensates (or is parked): the failed step, or null for an operator abort. */
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
   * True when a forward attempt may have been applied by the participant: it replied
   * success, or it timed out (outcome unknown). Such a step is compensated on failure.
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
  /** Every step of the definition, by name, including the branches of parallel groups. */
  readonly steps: Readonly<Record<string, StepState>>;
  /** Steps with an attempt in flight or waiting for a retry, forward or compensation. */
  readonly activeSteps: readonly string[];
  /** Timers that must exist for the saga to progress (recovery re-arms them). */
  readonly pendingTimers: readonly SagaTimer[];
  /** Why the saga is compensating or parked; null while all is well. */
  readonly failure: SagaFailureInfo | null;
  readonly startedAt: string;
  readonly updatedAt: string;
  /** When it reached COMPLETED or COMPENSATED. */
  readonly endedAt: string | null;
}
