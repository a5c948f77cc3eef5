import { type AnySagaDefinition } from '../definition/saga-definition';
import { type GraphEdge, type GraphNode, toGraph } from './definition-graph';

/**
 * Renders a definition as a Mermaid flowchart (top-down), from its {@link toGraph} graph:
 * forward edges solid, compensation edges dashed, failure edges dashed and labelled
 * `fails`; the pivot is a hexagon styled with the `pivot` class, retriable steps are
 * subroutine boxes, parallel groups fan out from a fork and back into a join.
 *
 * @example
 * ```ts
 * const markdown = ['```mermaid', toMermaid(placeOrder), '```'].join('\n');
 * ```
 */
export function toMermaid(definition: AnySagaDefinition): string {
  const graph = toGraph(definition);
  const lines = ['flowchart TD'];
  for (const node of graph.nodes) lines.push(`  ${nodeLine(node)}`);
  for (const edge of graph.edges) lines.push(`  ${edgeLine(edge)}`);
  const pivots = graph.nodes.filter((node) => node.type === 'step' && node.kind === 'pivot');
  lines.push('  classDef pivot fill:#fde2e2,stroke:#c0392b,stroke-width:3px');
  for (const pivot of pivots) lines.push(`  class ${mermaidId(pivot.id)} pivot`);
  return `${lines.join('\n')}\n`;
}

/**
 * Mermaid ids: `step:create-order` → `step_create_order`. Names use only `[a-z0-9-]`, so
 * the mapping is one-to-one, and the prefixes keep ids clear of Mermaid keywords (`end`).
 */
function mermaidId(id: string): string {
  return id === 'start' ? 'saga_start' : id.replace(/^end:/, 'saga_').replace(/[:-]/g, '_');
}

function nodeLine(node: GraphNode): string {
  const id = mermaidId(node.id);
  switch (node.type) {
    case 'start':
      return `${id}(["start"])`;
    case 'end':
      return `${id}(["${node.status}"])`;
    case 'fork':
    case 'join':
      return `${id}(("${node.type} ${node.name}"))`;
    case 'step': {
      const label = [
        node.kind === 'compensatable' ? node.name : `${node.name} (${node.kind})`,
        `${node.participant}.${node.command}`,
        ...(node.compensation === null
          ? []
          : [`undo: ${node.compensation.participant}.${node.compensation.command}`]),
        ...(node.readOnly ? ['read-only'] : []),
      ].join('<br/>');
      if (node.kind === 'pivot') return `${id}{{"${label}"}}`;
      if (node.kind === 'retriable') return `${id}[["${label}"]]`;
      return `${id}["${label}"]`;
    }
  }
}

function edgeLine(edge: GraphEdge): string {
  const from = mermaidId(edge.from);
  const to = mermaidId(edge.to);
  switch (edge.type) {
    case 'forward':
      return `${from} --> ${to}`;
    case 'compensation':
      return `${from} -.-> ${to}`;
    case 'failure':
      return `${from} -. fails .-> ${to}`;
  }
}
