import { type ZodType } from 'zod';
import { type JsonObject } from '../model/json';
import { type ResolvedRetryPolicy } from './retry-policy';

/**
 * What a step is in the saga's recovery model:
 * - `compensatable`: undone by its compensation if a later step fails (or needs nothing
 *   undone: `readOnly`);
 * - `pivot`: the point of no return; never compensated, and once it is dispatched the saga
 *   can no longer be aborted;
 * - `retriable`: after the pivot; retried until it succeeds, never compensated.
 */
export type StepKind = 'compensatable' | 'pivot' | 'retriable';

/**
 * Builds a command's payload from the saga data. Called inside `decide`, so it must be pure:
 * no clock, no randomness, no I/O, the same output for the same data.
 */
export type PayloadBuilder = (data: JsonObject) => JsonObject;

/** How a step is undone. */
export interface CompensationDefinition {
  readonly participant: string;
  readonly command: string;
  readonly buildPayload: PayloadBuilder;
  /** The payload's schema from the command's contract, or null for a command named by strings. */
  readonly payloadSchema: ZodType | null;
  readonly retry: ResolvedRetryPolicy;
  /**
   * Reply deadline of each compensation attempt, in ms: its `timeoutMs`, else its step's.
   * `defineSaga` always sets one; null (no deadline) only in a definition made by hand.
   */
  readonly timeoutMs: number | null;
}

/** How a step's success reply is checked and merged into the saga data. */
export interface ReplyDefinition {
  /** The success reply payload's schema; a reply it rejects is an `invalid-reply` failure. */
  readonly schema: ZodType;
  /**
   * Turns the parsed reply into the patch merged into the saga data. Called inside
   * `decide`, so it must be pure. Receives only replies `schema` accepted.
   */
  readonly map: (reply: unknown, data: JsonObject) => JsonObject;
}

/** One compiled step (a sequential step, or a branch of a parallel group). */
export interface StepDefinition {
  readonly name: string;
  readonly kind: StepKind;
  /** The participant service that executes it, e.g. `payment-service`. */
  readonly participant: string;
  /** The command's name, e.g. `ReserveCredit`. */
  readonly command: string;
  readonly buildPayload: PayloadBuilder;
  /**
   * The payload's schema from the command's contract (`decide` checks every payload it
   * builds against it), or null for a command named by strings.
   */
  readonly payloadSchema: ZodType | null;
  /** Null for the pivot, retriable steps and read-only steps. */
  readonly compensation: CompensationDefinition | null;
  /** The step changes no state, so there is nothing to compensate. */
  readonly readOnly: boolean;
  /**
   * How the success reply is checked (`.onReply`'s schema, else the contract's reply
   * schema) and merged; null when it is neither (no `.onReply`, a command without contract).
   */
  readonly reply: ReplyDefinition | null;
  /** Null when the step has no `.retry(...)`: a single attempt. */
  readonly retry: ResolvedRetryPolicy | null;
  /**
   * Reply deadline of each attempt, in ms: the step's `.timeout(...)`, else the saga's
   * `defaults.stepTimeoutMs`, else `DEFAULT_STEP_TIMEOUT_MS` (30 s). `defineSaga` always
   * sets one; null (no deadline) only in a definition made by hand.
   */
  readonly timeoutMs: number | null;
  /** The parallel group the step is a branch of, or null. */
  readonly group: string | null;
}

/** One position in the saga's sequence: a step, or a parallel group of branches. */
export type DefinitionNode =
  | { readonly type: 'step'; readonly step: StepDefinition }
  | {
      readonly type: 'parallel';
      readonly name: string;
      readonly branches: readonly StepDefinition[];
    };

/**
 * A compiled, validated saga definition (the result of `defineSaga(...).build()`).
 * `TInput` is the validated start input, `TData` the saga data after every step's reply
 * mapping; both are type-level only.
 */
export interface SagaDefinition<TInput = unknown, TData = unknown> {
  readonly name: string;
  readonly version: number;
  readonly description: string | null;
  /** Validates a start request's input; its output is the saga's initial data. */
  readonly input: ZodType<TInput>;
  /** The sequence of steps and parallel groups. */
  readonly nodes: readonly DefinitionNode[];
  /** Every step (including the branches of parallel groups) by name. */
  readonly steps: ReadonlyMap<string, StepDefinition>;
  /** Every step name in definition order, branches in declaration order. */
  readonly stepOrder: readonly string[];
  /** Type-level only, never set: carries `TInput` and `TData`. */
  readonly '~types'?: { readonly input: TInput; readonly data: TData };
}

/** Any saga definition, whatever its data types: for registries and heterogeneous lists. */
export type AnySagaDefinition = SagaDefinition;

/** The steps of a node: the step itself, or the group's branches. */
export function nodeSteps(node: DefinitionNode): readonly StepDefinition[] {
  return node.type === 'step' ? [node.step] : node.branches;
}

/** The node's name: the step's name, or the group's. */
export function nodeName(node: DefinitionNode): string {
  return node.type === 'step' ? node.step.name : node.name;
}
