/**
 * Where a saga is in its life.
 *
 * - `RUNNING`: forward steps are being executed.
 * - `COMPENSATING`: a step failed (or an operator aborted); completed steps are being undone.
 * - `COMPLETED`: every step succeeded. Terminal.
 * - `COMPENSATED`: every completed compensatable step was undone. Terminal.
 * - `COMPENSATION_FAILED`: a compensation kept failing; parked until an operator retries it
 *   or resolves it by hand.
 */
export const SagaStatus = {
  Running: 'RUNNING',
  Compensating: 'COMPENSATING',
  Completed: 'COMPLETED',
  Compensated: 'COMPENSATED',
  CompensationFailed: 'COMPENSATION_FAILED',
} as const;

/** One of the {@link SagaStatus} values. */
export type SagaStatus = (typeof SagaStatus)[keyof typeof SagaStatus];

/** All statuses, in life-cycle order. */
export const SAGA_STATUSES: readonly SagaStatus[] = Object.values(SagaStatus);

/** True for `COMPLETED` and `COMPENSATED`: nothing more will happen to the saga. */
export function isTerminalStatus(status: SagaStatus): boolean {
  return status === SagaStatus.Completed || status === SagaStatus.Compensated;
}

/** True when the saga waits for nothing but an operator (`COMPENSATION_FAILED`). */
export function isParkedStatus(status: SagaStatus): boolean {
  return status === SagaStatus.CompensationFailed;
}
