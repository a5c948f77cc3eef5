import {
  type CompensatableStepBuilder,
  type EmptyPatch,
  type MergeData,
  type StepDraft,
} from './step-builder';
import { configureStep } from './configure-step';

/**
 * Configures a parallel group (`.parallel(name, (g) => g.branch(...).branch(...))`): its
 * branches are dispatched together and the group completes when every branch succeeded.
 * Every branch is compensatable; on failure only the branches that may have applied are
 * compensated, together. Each branch sees the data from before the group; the group adds
 * the patches of all its branches.
 *
 * @example
 * ```ts
 * .parallel('reserve', (g) => g
 *   .branch('reserve-credit', (s) => s.invoke(...).compensate(...))
 *   .branch('reserve-stock', (s) => s.invoke(...).compensate(...)))
 * ```
 */
export interface ParallelGroupBuilder<TData, TPatch = EmptyPatch> {
  /** Type-level only, never set: the patches of the branches so far, merged. */
  readonly '~patch'?: TPatch;
  /** Adds a branch: a compensatable step. */
  branch<TBranchPatch = EmptyPatch>(
    name: string,
    configure: (
      step: CompensatableStepBuilder<TData>,
    ) => CompensatableStepBuilder<TData, TBranchPatch>,
  ): ParallelGroupBuilder<TData, MergeData<TPatch, TBranchPatch>>;
}

/** The immutable implementation of {@link ParallelGroupBuilder}. */
export class ParallelGroupBuilderImpl<TData, TPatch = EmptyPatch> implements ParallelGroupBuilder<
  TData,
  TPatch
> {
  declare readonly '~patch'?: TPatch;

  constructor(
    readonly name: string,
    readonly branches: readonly StepDraft[],
  ) {}

  branch<TBranchPatch = EmptyPatch>(
    name: string,
    configure: (
      step: CompensatableStepBuilder<TData>,
    ) => CompensatableStepBuilder<TData, TBranchPatch>,
  ): ParallelGroupBuilderImpl<TData, MergeData<TPatch, TBranchPatch>> {
    return new ParallelGroupBuilderImpl(this.name, [
      ...this.branches,
      configureStep(name, 'compensatable', this.name, configure),
    ]);
  }
}

/** Reads the branches of whatever a `.parallel` callback returned, or null if it is no builder. */
export function branchesOf(result: unknown): readonly StepDraft[] | null {
  return result instanceof ParallelGroupBuilderImpl ? result.branches : null;
}
