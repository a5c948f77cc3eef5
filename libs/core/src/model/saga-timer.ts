import { type Direction } from './saga-command';

/** What a timer is for: a step attempt's reply deadline, or the end of a retry back-off. */
export type TimerPurpose = 'timeout' | 'retry';

/**
 * A timer the decider asks for. Its id is deterministic (derived from saga, step,
 * direction, attempt and purpose, using only `[A-Za-z0-9._-]`), so scheduling it twice is
 * harmless and a scheduler can use it as its job id.
 */
export interface SagaTimer {
  readonly timerId: string;
  readonly sagaId: string;
  readonly step: string;
  readonly direction: Direction;
  readonly attempt: number;
  readonly purpose: TimerPurpose;
  /** When it fires, ISO-8601 (UTC). */
  readonly dueAt: string;
}
