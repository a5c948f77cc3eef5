import { type input, type output, type ZodType } from 'zod';
import { type JsonObject } from '../model/json';
import { type CommandContract, isCommandContract } from './command-contract';
import { type RetryPolicy } from './retry-policy';
import { type StepKind } from './saga-definition';

/** The patch of a step without `.onReply(...)`: it adds nothing to the saga data. */
export type EmptyPatch = object;

/** Flattens an intersection so editors show one object type. */
type Simplify<T> = { [K in keyof T]: T[K] };

/**
 * The saga data after a step: `TData` with `TPatch` merged over it, later keys winning as
 * they do at run time (`{ ...data, ...patch }`).
 */
export type MergeData<TData, TPatch> = Simplify<Omit<TData, keyof TPatch> & TPatch>;

/**
 * Options of a compensation (`.compensate(participant, command, payload, options)`).
 */
export interface CompensationOptions {
  /**
   * Retry policy of the compensation: a technical failure is retried until `maxAttempts`
   * of them, then the saga is parked in `COMPENSATION_FAILED` (a business failure parks it
   * at once); a timeout is retried until the participant answers and counts for nothing.
   * @defaultValue `{ maxAttempts: 5, initialDelayMs: 500, multiplier: 2, maxDelayMs: 30000, jitter: 0.2 }`
   */
  readonly retry?: RetryPolicy;
  /**
   * Reply deadline of each compensation attempt, in milliseconds (a positive integer).
   * @defaultValue the step's timeout (its `.timeout(...)`, else the saga's default)
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
export interface CompensatableStepBuilder<TData, TPatch = EmptyPatch, TReply = unknown> {
  /** Type-level only, never set: the patch this step's reply mapping adds to the data. */
  readonly '~patch'?: TPatch;
  /**
   * The command that executes the step, from its participant's contract, and how its
   * payload is built from the data: typed by the contract's payload schema, and checked
   * against it when the command is dispatched. The success reply is checked against the
   * contract's reply schema.
   */
  invoke<TCommand extends CommandContract>(
    command: TCommand,
    payload: (data: TData) => input<TCommand['payload']>,
  ): CompensatableStepBuilder<TData, TPatch, output<TCommand['reply']>>;
  /**
   * The command that executes the step, named by strings (a participant without a
   * contract, in another language say), and how its payload is built from the data.
   */
  invoke(
    participant: string,
    command: string,
    payload: (data: TData) => JsonObject,
  ): CompensatableStepBuilder<TData, TPatch>;
  /**
   * The command that undoes the step, from its participant's contract (the one the invoked
   * command's contract declares, if it declares one). It must tolerate "nothing to undo": a
   * step whose attempt timed out is compensated although it may not have applied.
   */
  compensate<TCommand extends CommandContract>(
    command: TCommand,
    payload: (data: TData) => input<TCommand['payload']>,
    options?: CompensationOptions,
  ): CompensatableStepBuilder<TData, TPatch, TReply>;
  /** The command that undoes the step, named by strings. */
  compensate(
    participant: string,
    command: string,
    payload: (data: TData) => JsonObject,
    options?: CompensationOptions,
  ): CompensatableStepBuilder<TData, TPatch, TReply>;
  /** The step changes no state: there is nothing to compensate. */
  readOnly(): CompensatableStepBuilder<TData, TPatch, TReply>;
  /**
   * Merges `map(reply, data)` into the saga data seen by later steps; the reply has the
   * type of the contract of `.invoke(contract.Command, ...)`, whose reply schema checks it.
   */
  onReply<TNewPatch extends JsonObject>(
    map: (reply: TReply, data: TData) => TNewPatch,
  ): CompensatableStepBuilder<TData, TNewPatch, TReply>;
  /**
   * Validates the success reply with `schema` (a reply it rejects is an `invalid-reply`
   * failure; it replaces a contract's reply schema) and merges `map(reply, data)` into the
   * saga data seen by later steps.
   */
  onReply<TSchema extends ZodType, TNewPatch extends JsonObject>(
    schema: TSchema,
    map: (reply: output<TSchema>, data: TData) => TNewPatch,
  ): CompensatableStepBuilder<TData, TNewPatch, TReply>;
  /** Retries technical failures, timeouts and invalid replies (default: one attempt). */
  retry(policy: RetryPolicy): CompensatableStepBuilder<TData, TPatch, TReply>;
  /**
   * Reply deadline of each attempt, in milliseconds; a late attempt counts as failed (and
   * may have applied). Default: the saga's `defaults.stepTimeoutMs`, else 30 s.
   */
  timeout(ms: number): CompensatableStepBuilder<TData, TPatch, TReply>;
}

/**
 * Configures the pivot (`.pivot(...)`) or a retriable step (`.retriable(...)`): neither is
 * ever compensated, so there is no `compensate` nor `readOnly`. A retriable step must call
 * `.retry(...)` and is retried until it succeeds (business failures included).
 */
export interface ForwardStepBuilder<TData, TPatch = EmptyPatch, TReply = unknown> {
  /** Type-level only, never set: the patch this step's reply mapping adds to the data. */
  readonly '~patch'?: TPatch;
  /**
   * The command that executes the step, from its participant's contract, and how its
   * payload is built from the data (typed and checked by the contract's payload schema).
   */
  invoke<TCommand extends CommandContract>(
    command: TCommand,
    payload: (data: TData) => input<TCommand['payload']>,
  ): ForwardStepBuilder<TData, TPatch, output<TCommand['reply']>>;
  /** The command that executes the step, named by strings, and how its payload is built. */
  invoke(
    participant: string,
    command: string,
    payload: (data: TData) => JsonObject,
  ): ForwardStepBuilder<TData, TPatch>;
  /** Merges `map(reply, data)` into the saga data; the reply is typed by the contract. */
  onReply<TNewPatch extends JsonObject>(
    map: (reply: TReply, data: TData) => TNewPatch,
  ): ForwardStepBuilder<TData, TNewPatch, TReply>;
  /** Validates the success reply and merges `map(reply, data)` into the saga data. */
  onReply<TSchema extends ZodType, TNewPatch extends JsonObject>(
    schema: TSchema,
    map: (reply: output<TSchema>, data: TData) => TNewPatch,
  ): ForwardStepBuilder<TData, TNewPatch, TReply>;
  /** Retries technical failures, timeouts and invalid replies. */
  retry(policy: RetryPolicy): ForwardStepBuilder<TData, TPatch, TReply>;
  /**
   * Reply deadline of each attempt, in milliseconds. Default: the saga's
   * `defaults.stepTimeoutMs`, else 30 s.
   */
  timeout(ms: number): ForwardStepBuilder<TData, TPatch, TReply>;
}

/** What a builder collected for one step, before validation. */
export interface StepDraft {
  readonly name: string;
  readonly kind: StepKind;
  readonly group: string | null;
  readonly invoke: CommandDraft | null;
  readonly compensate: (CommandDraft & { readonly options: unknown }) | null;
  readonly readOnly: boolean;
  /** `schema` is {@link CONTRACT_REPLY} for `.onReply(map)`. */
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
  /** The contract the command was given by, or null when it was named by strings. */
  readonly contract: CommandContract | null;
}

/**
 * Stands, in a draft's `reply.schema`, for the reply schema of the invoked command's
 * contract (`.onReply(map)`); the step's configuration resolves it.
 */
export const CONTRACT_REPLY = Symbol('contract reply schema');

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
export class StepBuilderImpl<TData, TPatch = EmptyPatch, TReply = unknown>
  implements
    CompensatableStepBuilder<TData, TPatch, TReply>,
    ForwardStepBuilder<TData, TPatch, TReply>
{
  declare readonly '~patch'?: TPatch;

  constructor(readonly draft: StepDraft) {}

  invoke<TCommand extends CommandContract>(
    command: TCommand,
    payload: (data: TData) => input<TCommand['payload']>,
  ): StepBuilderImpl<TData, TPatch, output<TCommand['reply']>>;
  invoke(
    participant: string,
    command: string,
    payload: (data: TData) => JsonObject,
  ): StepBuilderImpl<TData, TPatch>;
  invoke(
    target: unknown,
    commandOrPayload: unknown,
    payload?: unknown,
  ): StepBuilderImpl<TData, TPatch> {
    const invoke: CommandDraft = isCommandContract(target)
      ? {
          participant: target.participant,
          command: target.command,
          buildPayload: commandOrPayload,
          contract: target,
        }
      : { participant: target, command: commandOrPayload, buildPayload: payload, contract: null };
    return new StepBuilderImpl(this.change('invoke', this.draft.invoke !== null, { invoke }));
  }

  compensate<TCommand extends CommandContract>(
    command: TCommand,
    payload: (data: TData) => input<TCommand['payload']>,
    options?: CompensationOptions,
  ): StepBuilderImpl<TData, TPatch, TReply>;
  compensate(
    participant: string,
    command: string,
    payload: (data: TData) => JsonObject,
    options?: CompensationOptions,
  ): StepBuilderImpl<TData, TPatch, TReply>;
  compensate(
    target: unknown,
    commandOrPayload: unknown,
    payloadOrOptions?: unknown,
    options?: unknown,
  ): StepBuilderImpl<TData, TPatch, TReply> {
    const compensate = isCommandContract(target)
      ? {
          participant: target.participant,
          command: target.command,
          buildPayload: commandOrPayload,
          contract: target,
          options: payloadOrOptions,
        }
      : {
          participant: target,
          command: commandOrPayload,
          buildPayload: payloadOrOptions,
          contract: null,
          options,
        };
    return new StepBuilderImpl(
      this.change('compensate', this.draft.compensate !== null, { compensate }),
    );
  }

  readOnly(): StepBuilderImpl<TData, TPatch, TReply> {
    return new StepBuilderImpl(this.change('readOnly', this.draft.readOnly, { readOnly: true }));
  }

  onReply<TNewPatch extends JsonObject>(
    map: (reply: TReply, data: TData) => TNewPatch,
  ): StepBuilderImpl<TData, TNewPatch, TReply>;
  onReply<TSchema extends ZodType, TNewPatch extends JsonObject>(
    schema: TSchema,
    map: (reply: output<TSchema>, data: TData) => TNewPatch,
  ): StepBuilderImpl<TData, TNewPatch, TReply>;
  onReply(schemaOrMap: unknown, map?: unknown): StepBuilderImpl<TData, JsonObject, TReply> {
    const reply =
      map === undefined && typeof schemaOrMap === 'function'
        ? { schema: CONTRACT_REPLY, map: schemaOrMap }
        : { schema: schemaOrMap, map };
    return new StepBuilderImpl(this.change('onReply', this.draft.reply !== null, { reply }));
  }

  retry(policy: RetryPolicy): StepBuilderImpl<TData, TPatch, TReply> {
    return new StepBuilderImpl(
      this.change('retry', this.draft.retry !== null, { retry: { policy } }),
    );
  }

  timeout(ms: number): StepBuilderImpl<TData, TPatch, TReply> {
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
