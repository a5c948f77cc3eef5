import { type ZodType } from 'zod';
import { type StepDraft } from './step-builder';

/**
 * Options of `defineSaga`.
 */
export interface DefineSagaOptions<TSchema extends ZodType> {
  /**
   * The definition's version, a positive integer. A running saga stays on the version it
   * started with; register a new version to change the steps.
   */
  readonly version: number;
  /**
   * Validates a start request's input; its output (a JSON object) is the saga's initial
   * data.
   */
  readonly input: TSchema;
  /**
   * What the saga does, for docs and the dashboard.
   * @defaultValue none
   */
  readonly description?: string;
  /**
   * What every step of this saga gets unless it says otherwise.
   * @defaultValue see {@link SagaDefaults}
   */
  readonly defaults?: SagaDefaults;
}

/**
 * The reply deadline a step without `.timeout(...)` gets when its saga sets none
 * (`defaults.stepTimeoutMs`): 30 s. It outlasts a participant's own handler retries (about
 * 3 s with the participant SDK's defaults) and a consumer-group rebalance after a crash
 * (10 s), yet notices a lost command within a minute. A step never waits forever: a command
 * can be lost, and a compensation that waits for its forward command gets no reply until
 * the timeout sends it again.
 */
export const DEFAULT_STEP_TIMEOUT_MS = 30_000;

/**
 * Saga-wide defaults (`defineSaga(name, { …, defaults: { stepTimeoutMs: 10_000 } })`).
 */
export interface SagaDefaults {
  /**
   * Reply deadline of each attempt of every step without `.timeout(...)`, in milliseconds
   * (a positive integer); compensations without their own `timeoutMs` take their step's.
   * There is no "no timeout": a step that may legitimately take long gets a long timeout.
   * @defaultValue `30000` ({@link DEFAULT_STEP_TIMEOUT_MS})
   */
  readonly stepTimeoutMs?: number;
}

/** A node as a builder collected it, before validation. */
export type NodeDraft =
  | { readonly type: 'step'; readonly step: StepDraft }
  | {
      readonly type: 'parallel';
      readonly name: string;
      readonly branches: readonly StepDraft[];
      readonly problems: readonly string[];
    };

/** Everything a saga builder collected, before validation. */
export interface SagaDraft {
  readonly name: string;
  readonly options: DefineSagaOptions<ZodType>;
  readonly nodes: readonly NodeDraft[];
}
