import { compileDefinition } from './compile-definition';
import { configureStep } from './configure-step';
import {
  branchesOf,
  ParallelGroupBuilderImpl,
  type ParallelGroupBuilder,
} from './parallel-group-builder';
import { type SagaDefinition } from './saga-definition';
import { type NodeDraft, type SagaDraft } from './saga-draft';
import {
  type CompensatableStepBuilder,
  type EmptyPatch,
  type ForwardStepBuilder,
  type MergeData,
} from './step-builder';

/**
 * The fluent saga builder `defineSaga` returns. Immutable: each call returns a new builder.
 * `TData` is the saga data the next step sees: the input plus the patches of the replies
 * of every step before it.
 *
 * Order rules, checked by {@link SagaBuilder.build}: compensatable steps and parallel
 * groups first, then at most one pivot, then retriable steps.
 */
export class SagaBuilder<TInput, TData> {
  constructor(private readonly draft: SagaDraft) {}

  /**
   * Adds a compensatable step: it needs `.compensate(...)` (or `.readOnly()` when it changes
   * nothing) and is undone if a later step fails.
   */
  step<TPatch = EmptyPatch>(
    name: string,
    configure: (step: CompensatableStepBuilder<TData>) => CompensatableStepBuilder<TData, TPatch>,
  ): SagaBuilder<TInput, MergeData<TData, TPatch>> {
    return this.add({ type: 'step', step: configureStep(name, 'compensatable', null, configure) });
  }

  /** Adds a parallel group of at least two compensatable branches, dispatched together. */
  parallel<TPatch = EmptyPatch>(
    name: string,
    configure: (group: ParallelGroupBuilder<TData>) => ParallelGroupBuilder<TData, TPatch>,
  ): SagaBuilder<TInput, MergeData<TData, TPatch>> {
    const callback: unknown = configure;
    const result: unknown =
      typeof callback === 'function'
        ? configure(new ParallelGroupBuilderImpl<TData>(name, []))
        : undefined;
    const branches = branchesOf(result);
    return this.add({
      type: 'parallel',
      name,
      branches: branches ?? [],
      problems:
        branches === null
          ? [
              `parallel group '${name}': the configure callback must return the group builder it was given`,
            ]
          : [],
    });
  }

  /**
   * Adds the pivot, the point of no return: never compensated, and once it is dispatched
   * the saga can no longer be aborted. At most one; only retriable steps may follow it.
   */
  pivot<TPatch = EmptyPatch>(
    name: string,
    configure: (step: ForwardStepBuilder<TData>) => ForwardStepBuilder<TData, TPatch>,
  ): SagaBuilder<TInput, MergeData<TData, TPatch>> {
    return this.add({ type: 'step', step: configureStep(name, 'pivot', null, configure) });
  }

  /**
   * Adds a retriable step, after the pivot: it must have `.retry(...)` and is retried until
   * it succeeds (business failures included); never compensated.
   */
  retriable<TPatch = EmptyPatch>(
    name: string,
    configure: (step: ForwardStepBuilder<TData>) => ForwardStepBuilder<TData, TPatch>,
  ): SagaBuilder<TInput, MergeData<TData, TPatch>> {
    return this.add({ type: 'step', step: configureStep(name, 'retriable', null, configure) });
  }

  /**
   * Validates and compiles the definition.
   *
   * @throws DefinitionError naming the saga and each offending step.
   */
  build(): SagaDefinition<TInput, TData> {
    return compileDefinition<TInput, TData>(this.draft);
  }

  private add<TNext>(node: NodeDraft): SagaBuilder<TInput, TNext> {
    return new SagaBuilder<TInput, TNext>({ ...this.draft, nodes: [...this.draft.nodes, node] });
  }
}
