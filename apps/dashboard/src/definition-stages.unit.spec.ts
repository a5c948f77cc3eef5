import { type DefinitionGraph, type GraphStepNode } from './api-client';
import { compensationPathOf, stagesOf } from './definition-stages';

function step(name: string, overrides: Partial<GraphStepNode> = {}): GraphStepNode {
  return {
    id: `step:${name}`,
    type: 'step',
    name,
    kind: 'compensatable',
    participant: 'svc',
    command: name,
    readOnly: false,
    group: null,
    retry: null,
    timeoutMs: null,
    compensation: {
      participant: 'svc',
      command: `undo-${name}`,
      retry: { maxAttempts: 5, initialDelayMs: 500, multiplier: 2, maxDelayMs: 30_000, jitter: 0 },
      timeoutMs: null,
    },
    ...overrides,
  };
}

// A travel booking: flight, then hotel ‖ car ‖ a read-only quote, payment as the pivot, an
// itinerary retried until it succeeds — as `toGraph` of @sagaflow/core draws it.
const travel: DefinitionGraph = {
  name: 'book-trip',
  version: 2,
  nodes: [
    { id: 'start', type: 'start' },
    step('flight'),
    { id: 'fork:stay', type: 'fork', name: 'stay' },
    step('hotel', { group: 'stay' }),
    step('car', { group: 'stay' }),
    step('quote', { group: 'stay', readOnly: true, compensation: null }),
    { id: 'join:stay', type: 'join', name: 'stay' },
    step('payment', { kind: 'pivot', compensation: null }),
    step('itinerary', { kind: 'retriable', compensation: null }),
    { id: 'end:completed', type: 'end', status: 'COMPLETED' },
    { id: 'end:compensated', type: 'end', status: 'COMPENSATED' },
  ],
  edges: [
    { from: 'start', to: 'step:flight', type: 'forward' },
    { from: 'step:hotel', to: 'step:flight', type: 'compensation' },
    { from: 'step:car', to: 'step:flight', type: 'compensation' },
    { from: 'step:flight', to: 'end:compensated', type: 'compensation' },
    { from: 'step:payment', to: 'step:hotel', type: 'failure' },
  ],
};

describe('stagesOf', () => {
  it('folds a parallel group between its fork and join into one stage, in order', () => {
    expect(
      stagesOf(travel).map((stage) =>
        stage.kind === 'step'
          ? stage.step.name
          : `${stage.name}: ${stage.steps.map((s) => s.name).join(' ‖ ')}`,
      ),
    ).toEqual(['flight', 'stay: hotel ‖ car ‖ quote', 'payment', 'itinerary']);
  });

  it('gives no stage for a definition without steps', () => {
    expect(stagesOf({ ...travel, nodes: [{ id: 'start', type: 'start' }], edges: [] })).toEqual([]);
  });
});

describe('compensationPathOf', () => {
  it("undoes the last unit first, a group's compensatable branches together", () => {
    expect(compensationPathOf(travel)).toEqual([['hotel', 'car'], ['flight']]);
  });

  it('is empty when nothing has a compensation edge', () => {
    expect(
      compensationPathOf({
        ...travel,
        edges: travel.edges.filter((edge) => edge.type !== 'compensation'),
      }),
    ).toEqual([]);
  });
});
