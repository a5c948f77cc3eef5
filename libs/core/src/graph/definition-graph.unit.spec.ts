import { z } from 'zod';
import { placeOrder } from '../decider/__fixtures__/place-order';
import { defineSaga } from '../definition/define-saga';
import { trip } from './__fixtures__/trip';
import { toGraph } from './definition-graph';

describe('toGraph', () => {
  it('exports nodes with their kinds and policies, and forward, compensation and failure edges', () => {
    const retry = (maxAttempts: number | null, initialDelayMs = 100, jitter = 0.2) => ({
      maxAttempts,
      initialDelayMs,
      multiplier: 2,
      maxDelayMs: 30_000,
      jitter,
    });
    const step = (name: string, rest: object) => ({
      id: `step:${name}`,
      type: 'step',
      name,
      readOnly: false,
      group: null,
      retry: null,
      // Steps without .timeout(...) get the built-in default.
      timeoutMs: 30_000,
      compensation: null,
      ...rest,
    });
    expect(toGraph(trip)).toEqual({
      name: 'trip',
      version: 2,
      nodes: [
        { id: 'start', type: 'start' },
        step('book', {
          kind: 'compensatable',
          participant: 'hotel',
          command: 'Book',
          timeoutMs: 1_000,
          compensation: {
            participant: 'hotel',
            command: 'Cancel',
            retry: retry(5, 500),
            timeoutMs: 1_000,
          },
        }),
        { id: 'fork:pay', type: 'fork', name: 'pay' },
        step('card', {
          kind: 'compensatable',
          participant: 'bank',
          command: 'Charge',
          group: 'pay',
          compensation: {
            participant: 'bank',
            command: 'Refund',
            retry: retry(5, 500),
            timeoutMs: 30_000,
          },
        }),
        step('check', {
          kind: 'compensatable',
          participant: 'risk',
          command: 'Check',
          group: 'pay',
          readOnly: true,
        }),
        { id: 'join:pay', type: 'join', name: 'pay' },
        step('confirm', {
          kind: 'pivot',
          participant: 'hotel',
          command: 'Confirm',
          retry: retry(2),
        }),
        step('mail', {
          kind: 'retriable',
          participant: 'mailer',
          command: 'Send',
          retry: retry(null, 100, 0),
        }),
        { id: 'end:completed', type: 'end', status: 'COMPLETED' },
        { id: 'end:compensated', type: 'end', status: 'COMPENSATED' },
      ],
      edges: [
        { from: 'start', to: 'step:book', type: 'forward' },
        { from: 'step:book', to: 'fork:pay', type: 'forward' },
        { from: 'fork:pay', to: 'step:card', type: 'forward' },
        { from: 'step:card', to: 'join:pay', type: 'forward' },
        { from: 'fork:pay', to: 'step:check', type: 'forward' },
        { from: 'step:check', to: 'join:pay', type: 'forward' },
        { from: 'join:pay', to: 'step:confirm', type: 'forward' },
        { from: 'step:confirm', to: 'step:mail', type: 'forward' },
        { from: 'step:mail', to: 'end:completed', type: 'forward' },
        { from: 'step:book', to: 'end:compensated', type: 'compensation' },
        { from: 'step:card', to: 'step:book', type: 'compensation' },
        { from: 'step:book', to: 'end:compensated', type: 'failure' },
        { from: 'step:card', to: 'step:book', type: 'failure' },
        { from: 'step:check', to: 'step:card', type: 'failure' },
        { from: 'step:confirm', to: 'step:card', type: 'failure' },
      ],
    });
  });

  it('undoes the compensatable branches of a group together, and is JSON-safe', () => {
    const graph = toGraph(placeOrder);
    expect(graph.edges.filter((edge) => edge.type === 'compensation')).toEqual([
      { from: 'step:create-order', to: 'end:compensated', type: 'compensation' },
      { from: 'step:reserve-credit', to: 'step:create-order', type: 'compensation' },
      { from: 'step:reserve-stock', to: 'step:create-order', type: 'compensation' },
    ]);
    expect(graph.edges.filter((edge) => edge.type === 'failure')).toEqual([
      { from: 'step:create-order', to: 'end:compensated', type: 'failure' },
      { from: 'step:reserve-credit', to: 'step:reserve-stock', type: 'failure' },
      { from: 'step:reserve-stock', to: 'step:reserve-credit', type: 'failure' },
      { from: 'step:approve-order', to: 'step:reserve-credit', type: 'failure' },
      { from: 'step:approve-order', to: 'step:reserve-stock', type: 'failure' },
    ]);
    expect(JSON.parse(JSON.stringify(graph))).toEqual(graph);
  });

  it('sends the failures of a saga without compensations straight to COMPENSATED', () => {
    const lookups = defineSaga('lookups', { version: 1, input: z.object({}) })
      .step('look', (s) => s.invoke('svc', 'Look', () => ({})).readOnly())
      .build();
    expect(toGraph(lookups).edges).toEqual([
      { from: 'start', to: 'step:look', type: 'forward' },
      { from: 'step:look', to: 'end:completed', type: 'forward' },
      { from: 'step:look', to: 'end:compensated', type: 'failure' },
    ]);
  });
});
