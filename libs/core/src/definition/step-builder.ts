import { type output, type ZodType } from 'zod';
import { type JsonObject } from '../model/json';
import { type RetryPolicy } from './retry-policy';
import { type StepKind } from './saga-definition';

/** The patch of a step without `.onReply(...)`: it adds nothing to the saga data. */
export type EmptyPatch = object;

/**
 * Options of a compensation (`.compensate(participant, command, payload, options)`).
 */
export interface CompensationOptions {
  /**
   * Retry policy of the compensation: technical failures and timeouts are retried, then
   * the saga is parked in `COMPENSATION_FAILED`.
   * @defaultValue `{ maxAttempts: 5, initialDelayMs: 500, multiplier: 2, maxDelayMs: 30000, jitter: 0.2 }`
   */
  readonly retry?: RetryPolicy;
  /**
   * Reply deadline of each compensation attempt, in milliseconds (a positive integer).
   * @defaultValue the step's own `.timeout(...)`, or none
   */
  readonly timeoutMs?: number;
}

/**
 * Configures a compensatable step (`.step(...)`, or a branch of `.parallel(...)`). Every
 * function given here runs inside `decide` and must be pure.
 *
 * @example
 * ```ts
 * .step('reserve-credit', (s) => s
 *   .invoke('payment-service', 'ReserveCredit', (d) => ({ orderId: d.orderId, amount: d.amount }))
 *   .compensate('payment-service', 'ReleaseCredit', (d) => ({ orderId: d.orderId }))
 *   .onReply(z.object({ reservationId: z.string() }), (r) => ({ reservationId: r.reservationId }))
 *   .retry({ maxAttempts: 3 })
 *   .timeout(5_000))
 * ```
 */
export interface CompensatableStepBuilder<TData, TPatch = EmptyPatch> {
  /** Type-level only, never set: the patch this step's reply mapping adds to the data. */
  readonly '~patch'?: TPatch;
  /** The command that executes the step, and how its payload is built from the data. */
  invoke(
    participant: string,
    command: string,
    payload: (data: TData) => JsonObject,
  ): CompensatableStepBuilder<TData, TPatch>;
  /**
   * The command that undoes the step. It must tolerate "nothing to undo": a step whose
   * attempt timed out is compensated although it may not have applied.
   */
  compensate(
    participant: string,
    command: string,
    payload: (data: TData) => JsonObject,
    options?: CompensationOptions,
  ): CompensatableStepBuilder<TData, TPatch>;
  /** The step changes no state: there is nothing to compensate. */
  readOnly(): CompensatableStepBuilder<TData, TPatch>;
  /**
   * Validates the success reply with `schema` (a reply it rejects is an `invalid-reply`
   * failure) and merges `map(reply, data)` into the saga data seen by later steps.
   */
  onReply<TSchema extends ZodType, TNewPatch extends JsonObject>(
    schema: TSchema,
    map: (reply: output<TSchema>, data: TData) => TNewPatch,
  ): CompensatableStepBuilder<TData, TNewPatch>;
  /** Retries technical failures, timeouts and invalid replies (default: one attempt). */
  retry(policy: RetryPolicy): CompensatableStepBuilder<TData, TPatch>;
  /** Reply deadline of each attempt, in milliseconds; a late attempt counts as failed. */
  timeout(ms: number): CompensatableStepBuilder<TData, TPatch>;
}

/**
 * Configures the pivot (`.pivot(...)`) or a retriable step (`.retriable(...)`): neither is
 * ever compensated, so there is no `compensate` nor `readOnly`. A retriable step must call
 * `.retry(...)` and is retried until it succeeds (business failures included).
 */
export interface ForwardStepBuilder<TData, TPatch = EmptyPatch> {
  /** Type-level only, never set: the patch this step's reply mapping adds to the data. */
  readonly '~patch'?: TPatch;
  /** The command that executes the step, and how its payload is built from the data. */
  invoke(
    participant: string,
    command: string,
    payload: (data: TData) => JsonObject,
  ): ForwardStepBuilder<TData, TPatch>;
  /** Validates the success reply and merges `map(reply, data)` into the saga data. */
  onReply<TSchema extends ZodType, TNewPatch extends JsonObject>(
    schema: TSchema,
    map: (reply: output<TSchema>, data: TData) => TNewPatch,
  ): ForwardStepBuilder<TData, TNewPatch>;
  /** Retries technical failures, timeouts and invalid replies. */
  retry(policy: RetryPolicy): ForwardStepBuilder<TData, TPatch>;
  /** Reply deadline of each attempt, in milliseconds. */
  timeout(ms: number): ForwardStepBuilder<TData, TPatch>;
}

/** What a builder collected for one step, before validation. */
export interface StepDraft {
  readonly name: string;
  readonly kind: StepKind;
  readonly group: string | null;
  readonly invoke: CommandDraft | null;
  readonly compensate: (CommandDraft & { readonly options: unknown }) | null;
  readonly readOnly: boolean;
  readonly reply: { readonly schema: unknown; readonly map: unknown } | null;
  /** The policy as given (validated by `build()`), or null without `.retry(...)`. */
  readonly retry: { readonly policy: unknown } | null;
  /** The timeout as given (validated by `build()`), or null without `.timeout(...)`. */
  readonly timeout: { readonly ms: unknown } | null;
  /** Misuses of the builder itself, e.g. a method called twice. */
  readonly problems: readonly string[];
}

/** A command as given to `invoke` or `compensate` (validated by `build()`). */
export interface CommandDraft {
  readonly participant: unknown;
  readonly command: unknown;
  readonly buildPayload: unknown;
}

/** A fresh draft for a step of `kind`. */
export function emptyStepDraft(name: string, kind: StepKind, group: string | null): StepDraft {
  return {
    name,
    kind,
    group,
    invoke: null,
    compensate: null,
    readOnly: false,
    reply: null,
    retry: null,
    timeout: null,
    problems: [],
  };
}

/**
 * The one step builder behind {@link CompensatableStepBuilder} and
 * {@link ForwardStepBuilder}: immutable, each call returns a new builder. Rules that depend
 * on the step's kind are checked by `build()`, so JavaScript callers get the same errors.
 */
export class StepBuilderImpl<TData, TPatch = EmptyPatch>
  implements CompensatableStepBuilder<TData, TPatch>, ForwardStepBuilder<TData, TPatch>
{
  declare readonly '~patch'?: TPatch;

  constructor(readonly draft: StepDraft) {}

  invoke(
    participant: string,
    command: string,
    payload: (data: TData) => JsonObject,
  ): StepBuilderImpl<TData, TPatch> {
    return new StepBuilderImpl(
      this.change('invoke', this.draft.invoke !== null, {
        invoke: { participant, command, buildPayload: payload },
      }),
    );
  }

  compensate(
    participant: string,
    command: string,
    payload: (data: TData) => JsonObject,
    options?: CompensationOptions,
  ): StepBuilderImpl<TData, TPatch> {
    return new StepBuilderImpl(
      this.change('compensate', this.draft.compensate !== null, {
        compensate: { participant, command, buildPayload: payload, options },
      }),
    );
  }

  readOnly(): StepBuilderImpl<TData, TPatch> {
    return new StepBuilderImpl(this.change('readOnly', this.draft.readOnly, { readOnly: true }));
  }

  onReply<TSchema extends ZodType, TNewPatch extends JsonObject>(
    schema: TSchema,
    map: (reply: output<TSchema>, data: TData) => TNewPatch,
  ): StepBuilderImpl<TData, TNewPatch> {
    return new StepBuilderImpl(
      this.change('onReply', this.draft.reply !== null, { reply: { schema, map } }),
    );
  }

  retry(policy: RetryPolicy): StepBuilderImpl<TData, TPatch> {
    return new StepBuilderImpl(
      this.change('retry', this.draft.retry !== null, { retry: { policy } }),
    );
  }

  timeout(ms: number): StepBuilderImpl<TData, TPatch> {
    return new StepBuilderImpl(
      this.change('timeout', this.draft.timeout !== null, { timeout: { ms } }),
    );
  }

  private change(method: string, repeated: boolean, change: Partial<StepDraft>): StepDraft {
    const problems = repeated
      ? [...this.draft.problems, `step '${this.draft.name}' calls .${method}(...) twice`]
      : this.draft.problems;
    return { ...this.draft, ...change, problems };
  }
}

/** Reads the draft of whatever a configure callback returned, or null if it is no builder. */
export function draftOf(result: unknown): StepDraft | null {
  return result instanceof StepBuilderImpl ? result.draft : null;
}
