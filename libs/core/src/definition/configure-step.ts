import { describeValue } from './describe-value';
import { type StepKind } from './saga-definition';
import { draftOf, emptyStepDraft, StepBuilderImpl, type StepDraft } from './step-builder';

/**
 * Runs a step's configure callback on a fresh builder and returns what it collected. A
 * callback that is not a function (from JavaScript), or that returns something other than
 * the builder, becomes a problem that `build()` reports.
 */
export function configureStep<TData>(
  name: string,
  kind: StepKind,
  group: string | null,
  configure: (builder: StepBuilderImpl<TData>) => unknown,
): StepDraft {
  const empty = emptyStepDraft(name, kind, group);
  const callback: unknown = configure;
  if (typeof callback !== 'function') {
    return {
      ...empty,
      problems: [
        `step '${name}': the configure callback must be a function (got ${describeValue(callback)})`,
      ],
    };
  }
  return (
    draftOf(configure(new StepBuilderImpl(empty))) ?? {
      ...empty,
      problems: [
        `step '${name}': the configure callback must return the step builder it was given`,
      ],
    }
  );
}
