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
