/**
 * Why an attempt of a step (or of its compensation) failed.
 *
 * - `business`: the participant refused for a business reason and changed nothing; never
 *   retried, leads to compensation.
 * - `technical`: the participant could not process the command (and changed nothing);
 *   retried per the step's retry policy.
 * - `timeout`: no reply before the step's timeout; the outcome is unknown, so the step is
 *   retried per policy and, if it is given up, compensated too.
 * - `invalid-reply`: the reply did not match the step's reply schema; treated like a
 *   technical failure.
 */
export type FailureKind = 'business' | 'technical' | 'timeout' | 'invalid-reply';

/** A failure as recorded in events and state. */
export interface StepFailure {
  readonly kind: FailureKind;
  /** A stable reason code, e.g. `CREDIT_LIMIT_EXCEEDED`, `TIMEOUT`, `HANDLER_ERROR`. */
  readonly code: string;
  /** Human-readable detail. */
  readonly message: string;
}
