import {
  type AnySagaDefinition,
  type SagaState,
  type StepFailure,
  type StepKind,
  type StepStatus,
  UnknownSagaTypeError,
} from '@sagaflow/core';

import { type DefinitionCatalog } from './http-api-deps';

/** One step of a saga view: the definition's description of it and where the saga is. */
export interface SagaStepView {
  readonly name: string;
  /** Null when the saga's definition version is no longer registered. */
  readonly kind: StepKind | null;
  /** The parallel group it is a branch of, or null. */
  readonly group: string | null;
  readonly participant: string | null;
  readonly command: string | null;
  /** `PENDING` for a step the saga has not dispatched yet. */
  readonly status: StepStatus;
  readonly attempt: number;
  readonly compensationAttempt: number;
  readonly mayHaveApplied: boolean;
  readonly lastFailure: StepFailure | null;
}

/**
 * A saga as `GET /sagas/:sagaId` answers it: its state, with `steps` as a list of every step
 * of its definition in order, so views can show the ones still `PENDING`.
 */
export interface SagaView extends Omit<SagaState, 'steps'> {
  readonly steps: readonly SagaStepView[];
}

/**
 * Builds the view of a saga: the steps of the definition version it runs on, in order, each
 * with its state, then any step the state knows and the definition does not. When that
 * version is no longer registered, the saga is still shown, with the steps it dispatched.
 *
 * @example
 * ```ts
 * toSagaView(state, registry).steps.map((step) => step.status);
 * // ['SUCCEEDED', 'RUNNING', 'PENDING']
 * ```
 */
export function toSagaView(state: SagaState, definitions: DefinitionCatalog): SagaView {
  const definition = definitionOf(definitions, state);
  const names = definition === null ? [] : [...definition.stepOrder];
  for (const name of Object.keys(state.steps)) if (!names.includes(name)) names.push(name);
  const steps = names.map((name): SagaStepView => {
    const step = definition?.steps.get(name);
    const progress = state.steps[name];
    return {
      name,
      kind: step?.kind ?? null,
      group: step?.group ?? null,
      participant: step?.participant ?? null,
      command: step?.command ?? null,
      status: progress?.status ?? 'PENDING',
      attempt: progress?.attempt ?? 0,
      compensationAttempt: progress?.compensationAttempt ?? 0,
      mayHaveApplied: progress?.mayHaveApplied ?? false,
      lastFailure: progress?.lastFailure ?? null,
    };
  });
  return { ...state, steps };
}

function definitionOf(definitions: DefinitionCatalog, state: SagaState): AnySagaDefinition | null {
  try {
    return definitions.get(state.sagaType, state.sagaVersion);
  } catch (error: unknown) {
    if (error instanceof UnknownSagaTypeError) return null;
    throw error;
  }
}
