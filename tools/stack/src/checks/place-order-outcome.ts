import { type SagaStatus } from '@sagaflow/core';
import { type PlaceOrderInput } from '@sagaflow/examples';

/** A place-order saga as the orchestrator's `saga_instance` table has it. */
export interface PlaceOrderOutcome {
  readonly sagaId: string;
  readonly status: SagaStatus;
  /** The reason code of the failure that made it compensate (`CREDIT_LIMIT_EXCEEDED`, …). */
  readonly failureCode: string | null;
  readonly input: PlaceOrderInput;
  readonly startedAt: Date;
  /** Null while it runs (or is parked). */
  readonly endedAt: Date | null;
}
