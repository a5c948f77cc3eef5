import {
  type AnySagaDefinition,
  type DefinitionNode,
  type StepDefinition,
  nodeSteps,
} from '../definition/saga-definition';

/** The index of the node holding `step` (itself, or the group it is a branch of). */
export function nodeIndexOf(definition: AnySagaDefinition, step: StepDefinition): number {
  return definition.nodes.findIndex((node) =>
    nodeSteps(node).some((candidate) => candidate.name === step.name),
  );
}

/** The pivot step, or null when the saga has none. */
export function pivotOf(definition: AnySagaDefinition): StepDefinition | null {
  return [...definition.steps.values()].find((step) => step.kind === 'pivot') ?? null;
}

/**
 * The nodes that can be compensated (those before the pivot: the pivot and the retriable
 * steps after it never are), last first: the order compensation walks them.
 */
export function compensableNodesLastFirst(
  definition: AnySagaDefinition,
): readonly DefinitionNode[] {
  const pivot = pivotOf(definition);
  const end = pivot === null ? definition.nodes.length : nodeIndexOf(definition, pivot);
  return definition.nodes.slice(0, end).reverse();
}
