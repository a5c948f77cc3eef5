/**
 * The shapes of the orchestrator's HTTP answers, as far as the CLI reads them. They are the
 * client's own: an orchestrator newer than the CLI may add statuses, event types and
 * fields, and the CLI shows what it knows and passes the rest through (`--json` prints
 * every answer unchanged). Times are ISO-8601 UTC strings.
 */

/** The saga statuses `--status` accepts, in life-cycle order. */
export const SAGA_STATUSES = [
  'RUNNING',
  'COMPENSATING',
  'COMPLETED',
  'COMPENSATED',
  'COMPENSATION_FAILED',
] as const;

/** One of {@link SAGA_STATUSES}. */
export type SagaStatus = (typeof SAGA_STATUSES)[number];

/** Event types after which nothing more happens to a saga. */
export const TERMINAL_EVENT_TYPES: ReadonlySet<string> = new Set([
  'SagaCompleted',
  'SagaCompensated',
]);

/** One saga of `GET /sagas`. */
export interface SagaSummary {
  readonly sagaId: string;
  readonly sagaType: string;
  readonly sagaVersion: number;
  readonly businessKey: string | null;
  readonly status: string;
  readonly activeSteps: readonly string[];
  readonly failureCode: string | null;
  /** The saga's event seq: what `--expected-version` compares. */
  readonly version: number;
  readonly startedAt: string;
  readonly updatedAt: string;
  readonly endedAt: string | null;
}

/** A page of `GET /sagas`. */
export interface SagaPage {
  readonly items: readonly SagaSummary[];
  /** Pass as `cursor` for the next page; null on the last one. */
  readonly nextCursor: string | null;
}

/** Why an attempt failed. */
export interface StepFailure {
  readonly kind: string;
  readonly code: string;
  readonly message: string;
}

/** One step of `GET /sagas/:sagaId`: every step of the definition, in order. */
export interface SagaStepView {
  readonly name: string;
  readonly kind: string | null;
  readonly group: string | null;
  readonly participant: string | null;
  readonly command: string | null;
  readonly status: string;
  readonly attempt: number;
  readonly compensationAttempt: number;
  readonly mayHaveApplied: boolean;
  readonly lastFailure: StepFailure | null;
}

/** A saga as `GET /sagas/:sagaId` and the action routes answer it. */
export interface SagaView {
  readonly sagaId: string;
  readonly sagaType: string;
  readonly sagaVersion: number;
  readonly businessKey: string | null;
  readonly status: string;
  readonly version: number;
  readonly activeSteps: readonly string[];
  /** Why the saga compensates: the failed step (null for an abort) and its reason code. */
  readonly failure: {
    readonly step: string | null;
    readonly code: string;
    readonly message: string;
  } | null;
  readonly steps: readonly SagaStepView[];
  readonly startedAt: string;
  readonly updatedAt: string;
  readonly endedAt: string | null;
}

/** A saga event: its `type`, the decision time `at`, and the type's own fields. */
export interface SagaEvent {
  readonly type: string;
  readonly at?: string;
  readonly [field: string]: unknown;
}

/**
 * One entry of a saga's history (`GET /sagas/:sagaId/events`); the event stream's
 * `saga-event` messages carry the same fields and `sagaId`, `sagaType`.
 */
export interface SagaEventEntry {
  readonly seq: number;
  readonly type: string;
  readonly event: SagaEvent;
  readonly recordedAt: string;
}

/** A page of `GET /sagas/:sagaId/events`. */
export interface SagaEventsPage {
  readonly sagaId: string;
  readonly events: readonly SagaEventEntry[];
  /** Pass as `afterSeq` for the next page; null on the last one. */
  readonly nextAfterSeq: number | null;
}

/** What `POST /sagas` answers. */
export interface StartedSaga {
  readonly sagaId: string;
  /** False when the business key was known: the existing saga is returned. */
  readonly created: boolean;
  readonly status: string;
}

/** A dead letter of `GET /dead-letters` and `GET /dead-letters/:id`. */
export interface DeadLetter {
  readonly id: string;
  readonly consumer: string;
  readonly sourceTopic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly value: string | null;
  readonly valueTruncated: boolean;
  readonly headers: Readonly<Record<string, string>>;
  readonly reason: { readonly code: string; readonly message: string };
  readonly messageId: string | null;
  readonly sagaId: string | null;
  readonly failedAt: string;
  readonly replayedAt: string | null;
  readonly replayedBy: string | null;
}

/** A page of `GET /dead-letters`, newest first. */
export interface DeadLetterPage {
  readonly items: readonly DeadLetter[];
  /** Pass as `beforeId` for the next page; null on the last one. */
  readonly nextBeforeId: string | null;
}

/** The body of every error answer. */
export interface ErrorBody {
  readonly error: {
    readonly code: string;
    readonly message: string;
    readonly details?: Readonly<Record<string, unknown>>;
  };
}
