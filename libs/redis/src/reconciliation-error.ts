import { SagaflowError, type SagaflowErrorOptions } from '@sagaflow/core';

import { type ReconciliationReport } from './reconciliation-report';

/**
 * Part of a reconciliation pass failed (Redis or MySQL unavailable, a requeue or re-arm
 * rejected). The other parts ran: {@link report} counts what was repaired, and `cause` is
 * an `AggregateError` of the failures. Retryable: the next pass tries again.
 */
export class ReconciliationError extends SagaflowError {
  readonly code = 'RECONCILIATION_FAILED';
  readonly retryable = true;
  /** What the pass did before and besides the failures. */
  readonly report: ReconciliationReport;

  constructor(report: ReconciliationReport, failures: number, options?: SagaflowErrorOptions) {
    super(`reconciliation pass had ${failures} failure(s)`, options);
    this.report = report;
  }
}
