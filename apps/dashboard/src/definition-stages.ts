import { type DefinitionGraph, type GraphStepNode } from './api-client';

/** A run of the forward path: one step, or a parallel group's branches. */
export type Stage =
  | { readonly kind: 'step'; readonly step: GraphStepNode }
  | { readonly kind: 'group'; readonly name: string; readonly steps: readonly GraphStepNode[] };

/**
 * The stages of a definition's forward path, in order. The graph's nodes come in execution
 * order, a group's branches between its fork and its join, so one pass folds them.
 */
export function stagesOf(graph: DefinitionGraph): Stage[] {
  const stages: Stage[] = [];
  let group: { name: string; steps: GraphStepNode[] } | null = null;
  for (const node of graph.nodes) {
    if (node.type === 'fork') group = { name: node.name, steps: [] };
    else if (node.type === 'join' && group !== null) {
      stages.push({ kind: 'group', name: group.name, steps: group.steps });
      group = null;
    } else if (node.type === 'step') {
      if (group === null) stages.push({ kind: 'step', step: node });
      else group.steps.push(node);
    }
  }
  return stages;
}

/**
 * The compensation path: the units undone together (a group's compensatable branches),
 * in the order they are undone — the graph's `compensation` edges followed from the last
 * unit to `end:compensated`.
 */
export function compensationPathOf(graph: DefinitionGraph): string[][] {
  const compensating = new Set(
    graph.edges.filter((edge) => edge.type === 'compensation').map((edge) => edge.from),
  );
  const units = stagesOf(graph)
    .map((stage) => (stage.kind === 'step' ? [stage.step] : stage.steps))
    .map((steps) => steps.filter((step) => compensating.has(step.id)).map((step) => step.name))
    .filter((unit) => unit.length > 0);
  return units.reverse();
}
