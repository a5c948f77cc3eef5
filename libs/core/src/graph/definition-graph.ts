import { type ResolvedRetryPolicy } from '../definition/retry-policy';
import {
  type AnySagaDefinition,
  type StepDefinition,
  type StepKind,
  nodeSteps,
} from '../definition/saga-definition';

/** A retry policy as JSON: `maxAttempts` null means "until it succeeds". */
export interface GraphRetryPolicy {
  readonly maxAttempts: number | null;
  readonly initialDelayMs: number;
  readonly multiplier: number;
  readonly maxDelayMs: number;
  readonly jitter: number;
}

/** A step of the graph, with what the dashboard shows about it. */
export interface GraphStepNode {
  /** `step:<name>`. */
  readonly id: string;
  readonly type: 'step';
  readonly name: string;
  readonly kind: StepKind;
  readonly participant: string;
  readonly command: string;
  readonly readOnly: boolean;
  /** The parallel group it is a branch of, or null. */
  readonly group: string | null;
  readonly retry: GraphRetryPolicy | null;
  readonly timeoutMs: number | null;
  readonly compensation: {
    readonly participant: string;
    readonly command: string;
    readonly retry: GraphRetryPolicy;
    readonly timeoutMs: number | null;
  } | null;
}

/** A node of the graph. Ids are unique: `start`, `step:<name>`, `fork:<group>`, `join:<group>`, `end:completed`, `end:compensated`. */
export type GraphNode =
  | { readonly id: 'start'; readonly type: 'start' }
  | GraphStepNode
  | { readonly id: string; readonly type: 'fork' | 'join'; readonly name: string }
  | {
      readonly id: 'end:completed' | 'end:compensated';
      readonly type: 'end';
      readonly status: 'COMPLETED' | 'COMPENSATED';
    };

/**
 * An edge of the graph:
 * - `forward`: the order steps run in (through fork and join for parallel groups);
 * - `compensation`: the order steps are undone in, from a step to the one undone after it
 *   (a group's compensatable branches together), ending at `end:compensated`;
 * - `failure`: from a step that can fail to where compensation begins (the other
 *   compensatable branches of its group, else the last compensatable step before it, else
 *   `end:compensated`). A step whose attempt timed out is also undone itself; the graph
 *   does not draw that self-edge.
 */
export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  readonly type: 'forward' | 'compensation' | 'failure';
}

/** A definition as nodes and edges, JSON-safe, for docs and the dashboard. */
export interface DefinitionGraph {
  readonly name: string;
  readonly version: number;
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
}

const START = 'start';
const COMPLETED = 'end:completed';
const COMPENSATED = 'end:compensated';

/** The graph id of a step. */
export function stepNodeId(step: string): string {
  return `step:${step}`;
}

/**
 * Exports a definition as a JSON graph: start, every step (kind, participant, command,
 * compensation, policies), fork and join nodes for parallel groups, and the end states;
 * forward, compensation and failure edges.
 *
 * @example
 * ```ts
 * const graph = toGraph(placeOrder);
 * graph.edges.filter((edge) => edge.type === 'compensation'); // the undo order
 * ```
 */
export function toGraph(definition: AnySagaDefinition): DefinitionGraph {
  const nodes: GraphNode[] = [{ id: START, type: 'start' }];
  const edges: GraphEdge[] = [];
  const link = (from: string, to: string, type: GraphEdge['type']): void => {
    edges.push({ from, to, type });
  };

  let previous = START;
  for (const node of definition.nodes) {
    if (node.type === 'step') {
      nodes.push(stepNode(node.step));
      link(previous, stepNodeId(node.step.name), 'forward');
      previous = stepNodeId(node.step.name);
      continue;
    }
    const fork = `fork:${node.name}`;
    const join = `join:${node.name}`;
    nodes.push({ id: fork, type: 'fork', name: node.name });
    link(previous, fork, 'forward');
    for (const branch of node.branches) {
      nodes.push(stepNode(branch));
      link(fork, stepNodeId(branch.name), 'forward');
      link(stepNodeId(branch.name), join, 'forward');
    }
    nodes.push({ id: join, type: 'join', name: node.name });
    previous = join;
  }
  link(previous, COMPLETED, 'forward');
  nodes.push(
    { id: COMPLETED, type: 'end', status: 'COMPLETED' },
    { id: COMPENSATED, type: 'end', status: 'COMPENSATED' },
  );

  // Compensation units: per node, the steps with a compensation (none at or after the pivot).
  const pivotIndex = definition.nodes.findIndex((node) =>
    nodeSteps(node).some((step) => step.kind === 'pivot'),
  );
  const units = definition.nodes.map((node, index) =>
    pivotIndex !== -1 && index >= pivotIndex
      ? []
      : nodeSteps(node)
          .filter((step) => step.compensation !== null)
          .map((step) => stepNodeId(step.name)),
  );
  /** Where compensation goes after the nodes from `index` on: the last unit before it. */
  const unitBefore = (index: number): readonly string[] =>
    units
      .slice(0, index)
      .reverse()
      .find((unit) => unit.length > 0) ?? [COMPENSATED];

  units.forEach((unit, index) => {
    for (const from of unit) {
      for (const to of unitBefore(index)) link(from, to, 'compensation');
    }
  });
  definition.nodes.forEach((node, index) => {
    for (const step of nodeSteps(node)) {
      if (step.kind === 'retriable') continue;
      const siblings = (units[index] ?? []).filter((id) => id !== stepNodeId(step.name));
      const targets =
        node.type === 'parallel' && siblings.length > 0 ? siblings : unitBefore(index);
      for (const to of targets) link(stepNodeId(step.name), to, 'failure');
    }
  });

  return { name: definition.name, version: definition.version, nodes, edges };
}

function stepNode(step: StepDefinition): GraphStepNode {
  return {
    id: stepNodeId(step.name),
    type: 'step',
    name: step.name,
    kind: step.kind,
    participant: step.participant,
    command: step.command,
    readOnly: step.readOnly,
    group: step.group,
    retry: step.retry === null ? null : graphRetry(step.retry),
    timeoutMs: step.timeoutMs,
    compensation:
      step.compensation === null
        ? null
        : {
            participant: step.compensation.participant,
            command: step.compensation.command,
            retry: graphRetry(step.compensation.retry),
            timeoutMs: step.compensation.timeoutMs,
          },
  };
}

function graphRetry(policy: ResolvedRetryPolicy): GraphRetryPolicy {
  return {
    ...policy,
    maxAttempts: Number.isFinite(policy.maxAttempts) ? policy.maxAttempts : null,
  };
}
