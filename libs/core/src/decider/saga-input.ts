import { type OperatorActionName, type RedeliveryKind } from '../model/saga-event';
import { type ReplyInput } from '../model/reply-input';
import { type SagaTimer } from '../model/saga-timer';

/** A request to start a saga. */
export interface StartInput {
  readonly type: 'start';
  /** The new saga's id (from the runtime's id generator); only `[A-Za-z0-9._-]`. */
  readonly sagaId: string;
  /** Validated against the definition's input schema. */
  readonly input: unknown;
  /** Unique per saga type when set (the event store enforces it). */
  readonly businessKey: string | null;
}

/** A timer the decider asked for fired: a step timeout or the end of a retry back-off. */
export interface TimerInput {
  readonly type: 'timer';
  readonly timer: SagaTimer;
}

/**
 * An operator's action, recorded with who did it and why:
 * - `retry-step`: re-dispatch a forward step now (skip its back-off, or supersede the
 *   attempt in flight);
 * - `abort`: compensate now (only before the pivot is dispatched);
 * - `retry-compensation`: re-dispatch a failed compensation with a fresh attempt budget;
 * - `resolve`: the operator undid the failed compensation's step by hand.
 */
export interface OperatorInput {
  readonly type: 'operator';
  readonly action: OperatorActionName;
  /** Who acts (non-empty). */
  readonly actor: string;
  /** Why (non-empty). */
  readonly reason: string;
  /**
   * The step to act on.
   * @defaultValue every step the action applies to
   */
  readonly step?: string;
}

/** An operator's redelivery of one of a saga's messages, recorded with who did it and why. */
export interface Redelivery {
  readonly kind: RedeliveryKind;
  /** The consumer whose message it is (non-empty). */
  readonly consumer: string;
  /** The message's id; null when it is not known (a dead letter whose id could not be read). */
  readonly messageId: string | null;
  /** The replayed dead letter's id: set for a `dead-letter-replay`, null otherwise. */
  readonly deadLetterId: string | null;
  /** Who redelivered it (non-empty). */
  readonly actor: string;
  /** Why (non-empty). */
  readonly reason: string;
}

/**
 * A redelivery that happened, to record in the saga's history (`MessageRedelivered`). It
 * changes nothing else and is accepted in any state, also after the saga ended.
 */
export interface RedeliveryInput extends Redelivery {
  readonly type: 'redelivery';
}

/** Everything `decide` accepts. */
export type SagaInput = StartInput | ReplyInput | TimerInput | OperatorInput | RedeliveryInput;
