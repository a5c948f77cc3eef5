import { checkFiniteNumber, checkInteger } from '../errors/validation';
import { InvalidArgumentError } from '../errors/errors';

/** A failure the test kit makes a participant reply with, instead of running its handler. */
export interface InjectedFailure {
  /** `business`: refused, leads to compensation. `technical`: retried per the step's policy. */
  readonly kind: 'business' | 'technical';
  /**
   * The reply's reason code.
   * @defaultValue `'INJECTED_BUSINESS_FAILURE'` or `'INJECTED_TECHNICAL_FAILURE'`
   */
  readonly code?: string;
  /**
   * The reply's message.
   * @defaultValue `'failure injected by the test kit'`
   */
  readonly message?: string;
}

/** A failure with its defaults applied. */
export interface ResolvedInjectedFailure {
  readonly kind: 'business' | 'technical';
  readonly code: string;
  readonly message: string;
}

/**
 * The faults armed for one participant command in the test kit
 * (`kit.faults('payment-service', 'ReserveCredit')`). Methods chain; `reset` disarms
 * everything.
 *
 * Failures count commands the participant would run its handler for; a duplicate it
 * answers from its idempotency record consumes none.
 *
 * @example
 * ```ts
 * kit.faults('payment-service', 'ReserveCredit').failOnce({ kind: 'technical' });
 * kit.faults('inventory-service', 'ReserveStock').dropNext().duplicateReplies();
 * ```
 */
export interface FaultController {
  /** The next command fails with `failure`, without running the handler. */
  failOnce(failure: InjectedFailure): this;
  /** The next `times` commands fail with `failure`, without running the handler. */
  failTimes(times: number, failure: InjectedFailure): this;
  /** Every command fails with `failure` until `reset`. */
  failAlways(failure: InjectedFailure): this;
  /** The next command is lost before the participant sees it: no reply, the step times out. */
  dropNext(): this;
  /** The participant handles the next command but its reply is lost: the outcome is unknown. */
  dropNextReply(): this;
  /** Every command is delivered twice (a redelivery: same message id). */
  duplicateCommands(): this;
  /**
   * Every reply arrives three times: as sent; redelivered as the same message (the
   * orchestrator's EventProcess table discards it); and re-sent as a new message with a new reply id,
   * as a participant re-publishing its stored reply does (the engine records it as a
   * duplicate and changes nothing).
   */
  duplicateReplies(): this;
  /** Replies reach the orchestrator `ms` milliseconds (by the kit's clock) after they are sent. */
  delayReplies(ms: number): this;
  /** Disarms every fault. */
  reset(): this;
}

/** The test kit's side of a {@link FaultController}: it consumes the armed faults. */
export class ParticipantFaults implements FaultController {
  #failures: { failure: ResolvedInjectedFailure; remaining: number }[] = [];
  #dropCommands = 0;
  #dropReplies = 0;
  #duplicateCommands = false;
  #duplicateReplies = false;
  #replyDelayMs = 0;

  /** The next command fails with `failure`, without running the handler. */
  failOnce(failure: InjectedFailure): this {
    return this.failTimes(1, failure);
  }

  /** The next `times` commands fail with `failure`, without running the handler. */
  failTimes(times: number, failure: InjectedFailure): this {
    this.#failures.push({
      failure: resolveFailure(failure),
      remaining: checkInteger('times', times, 1),
    });
    return this;
  }

  /** Every command fails with `failure` until {@link reset}. */
  failAlways(failure: InjectedFailure): this {
    this.#failures.push({ failure: resolveFailure(failure), remaining: Infinity });
    return this;
  }

  /** The next command is lost before the participant sees it: no reply, the step times out. */
  dropNext(): this {
    this.#dropCommands += 1;
    return this;
  }

  /** The participant handles the next command but its reply is lost: the outcome is unknown. */
  dropNextReply(): this {
    this.#dropReplies += 1;
    return this;
  }

  /** Every command is delivered twice (a redelivery, same message id). */
  duplicateCommands(): this {
    this.#duplicateCommands = true;
    return this;
  }

  /**
   * Every reply is delivered twice: once as sent, once re-sent as a new message (a new
   * reply id), as a participant re-publishing its stored reply does.
   */
  duplicateReplies(): this {
    this.#duplicateReplies = true;
    return this;
  }

  /** Replies reach the orchestrator `ms` milliseconds (by the kit's clock) after they are sent. */
  delayReplies(ms: number): this {
    this.#replyDelayMs = checkFiniteNumber('ms', ms, 0);
    return this;
  }

  /** Disarms every fault. */
  reset(): this {
    this.#failures = [];
    this.#dropCommands = 0;
    this.#dropReplies = 0;
    this.#duplicateCommands = false;
    this.#duplicateReplies = false;
    this.#replyDelayMs = 0;
    return this;
  }

  /** Consumes a command drop, if one is armed. */
  takeCommandDrop(): boolean {
    if (this.#dropCommands === 0) return false;
    this.#dropCommands -= 1;
    return true;
  }

  /** Consumes a reply drop, if one is armed. */
  takeReplyDrop(): boolean {
    if (this.#dropReplies === 0) return false;
    this.#dropReplies -= 1;
    return true;
  }

  /** Consumes the first armed failure, if any. */
  takeFailure(): ResolvedInjectedFailure | null {
    const armed = this.#failures[0];
    if (armed === undefined) return null;
    armed.remaining -= 1;
    if (armed.remaining <= 0) this.#failures.shift();
    return armed.failure;
  }

  get commandsDuplicated(): boolean {
    return this.#duplicateCommands;
  }

  get repliesDuplicated(): boolean {
    return this.#duplicateReplies;
  }

  get replyDelayMs(): number {
    return this.#replyDelayMs;
  }
}

const FAILURE_KINDS: readonly string[] = ['business', 'technical'];

function resolveFailure(failure: InjectedFailure): ResolvedInjectedFailure {
  // Checked at run time too: JavaScript callers get a clear error rather than a bad reply.
  if (!FAILURE_KINDS.includes(failure.kind)) {
    throw new InvalidArgumentError(
      'failure.kind',
      failure.kind,
      "must be 'business' or 'technical'",
    );
  }
  return {
    kind: failure.kind,
    code:
      failure.code ??
      (failure.kind === 'business' ? 'INJECTED_BUSINESS_FAILURE' : 'INJECTED_TECHNICAL_FAILURE'),
    message: failure.message ?? 'failure injected by the test kit',
  };
}
