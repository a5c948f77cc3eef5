import { type JsonObject } from './json';
import { type Direction } from './saga-command';
import { type StepFailure } from './step-failure';

/**
 * Saga events: every decision of the orchestrator, appended to the saga's stream. A saga's
 * state is the fold of its events ({@link evolve}). Events are JSON-safe and versioned:
 * `v` is the schema version of that event type, so stored events can be upcast when an
 * event's shape changes.
 */
export type SagaEvent =
  | SagaStarted
  | CommandDispatched
  | StepSucceeded
  | AttemptFailed
  | RetryScheduled
  | StepFailed
  | CompensationStarted
  | StepCompensated
  | CompensationFailed
  | SagaCompleted
  | SagaCompensated
  | OperatorActionRecorded
  | MessageRedelivered
  | InputIgnored;

/** The `type` of every saga event. */
export type SagaEventType = SagaEvent['type'];

/** Fields every event carries. */
interface EventBase {
  /** Schema version of this event type. */
  readonly v: 1;
  /** When the decision was made (the `now` given to `decide`), ISO-8601 UTC. */
  readonly at: string;
}

/** The saga was started with validated input. Always the first event of a stream. */
export interface SagaStarted extends EventBase {
  readonly type: 'SagaStarted';
  readonly sagaId: string;
  readonly sagaType: string;
  readonly sagaVersion: number;
  /** Unique per saga type when set: a second start with it returns this saga. */
  readonly businessKey: string | null;
  /** The validated input; also the saga's initial data. */
  readonly input: JsonObject;
}

/** A command was put in the outbox: a step attempt, or a compensation attempt. */
export interface CommandDispatched extends EventBase {
  readonly type: 'CommandDispatched';
  readonly step: string;
  readonly direction: Direction;
  readonly attempt: number;
  readonly messageId: string;
  readonly participant: string;
  readonly command: string;
  readonly payload: JsonObject;
  /** When the attempt times out, if the step has a timeout. */
  readonly timeoutAt: string | null;
}

/** A forward step replied success; `patch` is merged into the saga data. */
export interface StepSucceeded extends EventBase {
  readonly type: 'StepSucceeded';
  readonly step: string;
  readonly attempt: number;
  /** The reply's message id (null never: a success always comes from a reply). */
  readonly replyId: string;
  /** What the step's reply mapping added to the saga data. */
  readonly patch: JsonObject;
}

/** One attempt (forward or compensation) failed: failure reply, timeout or invalid reply. */
export interface AttemptFailed extends EventBase {
  readonly type: 'AttemptFailed';
  readonly step: string;
  readonly direction: Direction;
  readonly attempt: number;
  /** The failure reply's id; null for a timeout. */
  readonly replyId: string | null;
  readonly failure: StepFailure;
}

/** A failed attempt will be tried again once the back-off timer fires. */
export interface RetryScheduled extends EventBase {
  readonly type: 'RetryScheduled';
  readonly step: string;
  readonly direction: Direction;
  /** The attempt number that will be dispatched. */
  readonly nextAttempt: number;
  readonly timerId: string;
  readonly dueAt: string;
}

/** A forward step failed for good (business failure, or retries exhausted). */
export interface StepFailed extends EventBase {
  readonly type: 'StepFailed';
  readonly step: string;
  readonly failure: StepFailure;
}

/** The saga starts undoing its completed steps. */
export interface CompensationStarted extends EventBase {
  readonly type: 'CompensationStarted';
  readonly cause:
    | { readonly kind: 'step-failed'; readonly step: string; readonly failure: StepFailure }
    | { readonly kind: 'aborted'; readonly actor: string; readonly reason: string };
  /**
   * The steps known to need compensation (they may have applied and have a compensation),
   * in the order they will be undone.
   */
  readonly toCompensate: readonly string[];
  /**
   * Forward steps still in flight: each is waited for and compensated too if its reply says
   * it applied (success) or it times out, and if it has a compensation.
   */
  readonly awaiting: readonly string[];
}

/** A step's compensation replied success (or an operator resolved it by hand). */
export interface StepCompensated extends EventBase {
  readonly type: 'StepCompensated';
  readonly step: string;
  readonly attempt: number;
  /** The reply's id; null when an operator resolved the compensation by hand. */
  readonly replyId: string | null;
}

/** A compensation failed for good: the saga is parked in COMPENSATION_FAILED. */
export interface CompensationFailed extends EventBase {
  readonly type: 'CompensationFailed';
  readonly step: string;
  readonly failure: StepFailure;
}

/** Every step succeeded. Terminal. */
export interface SagaCompleted extends EventBase {
  readonly type: 'SagaCompleted';
}

/** Every completed compensatable step was undone. Terminal. */
export interface SagaCompensated extends EventBase {
  readonly type: 'SagaCompensated';
}

/** An operator acted on the saga; always followed by the events the action caused. */
export interface OperatorActionRecorded extends EventBase {
  readonly type: 'OperatorActionRecorded';
  readonly action: OperatorActionName;
  /** The step the action targets; null when it applies to every step it can. */
  readonly step: string | null;
  readonly actor: string;
  readonly reason: string;
}

/** The operator actions the decider accepts. */
export type OperatorActionName = 'retry-step' | 'abort' | 'resolve' | 'retry-compensation';

/**
 * An operator redelivered one of the saga's messages (a command or a reply): replayed its
 * dead letter, or retried its FAILED EventProcess record. Recorded for the audit trail
 * only: it changes nothing but the stream's version, and may come at any point of the
 * stream, also after the saga ended (the dead letter of a late message). It records a
 * redelivery that happened; what the consumer then does with the message is the consumer's
 * (its EventProcess record discards a message it processed already).
 */
export interface MessageRedelivered extends EventBase {
  readonly type: 'MessageRedelivered';
  readonly kind: RedeliveryKind;
  /** The consumer whose message it is: the dead letter's, or the EventProcess record's. */
  readonly consumer: string;
  /** The message's id; null for a dead letter whose id could not be read. */
  readonly messageId: string | null;
  /** The replayed dead letter's id; null for an EventProcess retry. */
  readonly deadLetterId: string | null;
  readonly actor: string;
  readonly reason: string;
}

/**
 * How a message was redelivered:
 * - `dead-letter-replay`: its dead letter was published to its source topic again;
 * - `event-process-retry`: its FAILED EventProcess record went back to RECEIVED, queued for
 *   the consumer's worker pool.
 */
export type RedeliveryKind = 'dead-letter-replay' | 'event-process-retry';

/**
 * A reply or timer that changes nothing: a duplicate, a stale attempt, an unknown step,
 * or anything arriving after the saga ended. Recorded for the audit trail only.
 */
export interface InputIgnored extends EventBase {
  readonly type: 'InputIgnored';
  readonly input: 'reply' | 'timer';
  /** The reply's message id, or the timer's id. */
  readonly inputId: string;
  readonly step: string | null;
  readonly attempt: number | null;
  readonly reason: IgnoreReason;
}

/**
 * Why an input was ignored:
 * - `duplicate`: the reply answers the current attempt, which is already resolved (by an
 *   earlier reply or by its timeout);
 * - `stale-attempt`: the reply or timer is for an older attempt than the current one;
 * - `unknown-step`: the definition has no step of that name;
 * - `not-awaited`: nothing of that step and direction was dispatched for that attempt, or
 *   the timer is no longer pending;
 * - `saga-ended`: the saga is COMPLETED or COMPENSATED.
 */
export type IgnoreReason =
  'duplicate' | 'stale-attempt' | 'unknown-step' | 'not-awaited' | 'saga-ended';
