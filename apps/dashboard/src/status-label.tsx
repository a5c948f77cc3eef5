import { type ReactNode } from 'react';

import { type SagaStatus, type StepStatus } from './api-client';

/** How a status reads: a word for it, and its tone (the colour, never alone). */
interface StatusLook {
  readonly label: string;
  readonly tone: 'ok' | 'active' | 'warn' | 'bad' | 'muted';
}

const LOOKS: Readonly<Record<SagaStatus | StepStatus, StatusLook>> = {
  PENDING: { label: 'Remaining', tone: 'muted' },
  RUNNING: { label: 'Running', tone: 'active' },
  WAITING_RETRY: { label: 'Waiting for retry', tone: 'warn' },
  SUCCEEDED: { label: 'Succeeded', tone: 'ok' },
  FAILED: { label: 'Failed', tone: 'bad' },
  COMPENSATING: { label: 'Compensating', tone: 'warn' },
  COMPENSATION_WAITING_RETRY: { label: 'Compensation waiting for retry', tone: 'warn' },
  COMPLETED: { label: 'Completed', tone: 'ok' },
  COMPENSATED: { label: 'Compensated', tone: 'muted' },
  COMPENSATION_FAILED: { label: 'Compensation failed (parked)', tone: 'bad' },
};

/** The words a status reads as. */
export function statusLabel(status: SagaStatus | StepStatus): string {
  return LOOKS[status].label;
}

/** A saga's or a step's status: its colour and its name, so it reads without colour too. */
export function StatusLabel(props: { readonly status: SagaStatus | StepStatus }): ReactNode {
  const look = LOOKS[props.status];
  return (
    <span className={`status status-${look.tone}`} data-status={props.status}>
      <span className="status-dot" aria-hidden="true" />
      {look.label}
    </span>
  );
}
