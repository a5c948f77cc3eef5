import {
  DefinitionRegistry,
  SagaEngine,
  type SagaState,
  type SagaStateCache,
} from '@sagaflow/core';
import {
  createSagaTestKit,
  InMemoryCommandEncoder,
  InMemoryEventStore,
  InMemorySagaStateCache,
  InMemoryScheduler,
  ManualClock,
  SequentialIdGenerator,
} from '@sagaflow/core/testing';
import { createMetricsRegistry } from '@sagaflow/observability';

import { ledger, transferSaga } from '../http/__fixtures__/transfer-saga';
import { metricValue } from './__fixtures__/metric-value';
import { metricsObserver } from './metrics-observer';
import { createOrchestratorMetrics, type OrchestratorMetrics } from './orchestrator-metrics';

const input = { from: 'alice', to: 'bob', amount: 30 };
const transfer = { saga_type: 'transfer' };

function newMetrics(): OrchestratorMetrics {
  return createOrchestratorMetrics(createMetricsRegistry({ defaultMetrics: false }));
}

function newKit(metrics: OrchestratorMetrics) {
  return createSagaTestKit({
    definitions: [transferSaga],
    participants: ledger().participants,
    observer: metricsObserver(metrics),
  });
}

describe('metricsObserver', () => {
  it('counts a completed saga as ended, with its duration in the histogram', async () => {
    const metrics = newMetrics();
    const kit = newKit(metrics);
    kit.faults('ledger', 'Credit').delayReplies(2_500);

    const { sagaId } = await kit.start('transfer', input);
    await kit.advanceTime(2_500);

    expect(kit.state(sagaId).status).toBe('COMPLETED');
    expect(await metricValue(metrics.sagasStarted, transfer)).toBe(1);
    const completed = { ...transfer, status: 'COMPLETED' };
    expect(await metricValue(metrics.sagasEnded, completed)).toBe(1);
    expect(await metricValue(metrics.sagaDuration, completed, '_count')).toBe(1);
    expect(await metricValue(metrics.sagaDuration, completed, '_sum')).toBe(2.5);
    expect(await metricValue(metrics.decisions, { ...transfer, input: 'start' })).toBe(1);
    expect(await metricValue(metrics.decisions, { ...transfer, input: 'reply' })).toBe(2);
    expect(await metricValue(metrics.decisionDuration, { input: 'reply' }, '_count')).toBe(2);
    expect(await metricValue(metrics.replies, { outcome: 'success' })).toBe(2);
    expect(
      await metricValue(metrics.commandsDispatched, {
        participant: 'ledger',
        command: 'Credit',
        direction: 'forward',
      }),
    ).toBe(1);
  });

  it('counts compensated and parked sagas, business failures and compensations', async () => {
    const metrics = newMetrics();
    const kit = newKit(metrics);
    await kit.start('transfer', { ...input, amount: 500 });
    await kit.runUntilIdle();
    kit.faults('ledger', 'Refund').failAlways({ kind: 'technical' });
    const { sagaId } = await kit.start('transfer', { ...input, amount: 500 });
    await kit.runUntilIdle();

    expect(kit.state(sagaId).status).toBe('COMPENSATION_FAILED');
    expect(await metricValue(metrics.sagasEnded, { ...transfer, status: 'COMPENSATED' })).toBe(1);
    expect(await metricValue(metrics.sagasParked, transfer)).toBe(1);
    expect(await metricValue(metrics.sagasEnded, { ...transfer, status: 'COMPLETED' })).toBe(0);
    expect(await metricValue(metrics.replies, { outcome: 'business' })).toBe(2);
    expect(await metricValue(metrics.replies, { outcome: 'technical' })).toBe(1);
    expect(
      await metricValue(metrics.commandsDispatched, {
        participant: 'ledger',
        command: 'Refund',
        direction: 'compensation',
      }),
    ).toBe(2);
  });

  it('counts ignored replies by reason and deduplicated starts', async () => {
    const metrics = newMetrics();
    const kit = newKit(metrics);
    kit.faults('ledger', 'Debit').duplicateReplies();

    await kit.start('transfer', input, { businessKey: 'order-1' });
    await kit.start('transfer', input, { businessKey: 'order-1' });
    await kit.runUntilIdle();

    expect(await metricValue(metrics.startsDeduplicated, transfer)).toBe(1);
    expect(await metricValue(metrics.sagasStarted, transfer)).toBe(1);
    expect(
      await metricValue(metrics.inputsIgnored, { input: 'reply', reason: 'duplicate' }),
    ).toBeGreaterThanOrEqual(1);
    expect(await metricValue(metrics.replies, { outcome: 'ignored' })).toBe(
      await metricValue(metrics.inputsIgnored, { input: 'reply', reason: 'duplicate' }),
    );
  });

  it('counts optimistic-lock conflicts between two engines and cache errors', async () => {
    const metrics = newMetrics();
    const clock = new ManualClock('2030-01-01T00:00:00Z');
    const eventStore = new InMemoryEventStore({ clock });
    const ports = {
      definitions: new DefinitionRegistry().register(transferSaga),
      eventStore,
      scheduler: new InMemoryScheduler(),
      commandEncoder: new InMemoryCommandEncoder(),
      clock,
      ids: new SequentialIdGenerator({ prefix: 'saga' }),
      observer: metricsObserver(metrics),
    };
    const first = new SagaEngine({ ...ports, stateCache: new InMemorySagaStateCache() });
    const second = new SagaEngine({ ...ports, stateCache: new InMemorySagaStateCache() });

    const { sagaId } = await first.start({ sagaType: 'transfer', input });
    await second.getState(sagaId); // the second engine caches version 2
    await first.act(sagaId, { action: 'retry-step', actor: 'a', reason: 'r', step: 'debit' });
    await second.act(sagaId, { action: 'abort', actor: 'b', reason: 'r' });

    expect(await metricValue(metrics.optimisticLockConflicts, transfer)).toBe(1);
    expect(eventStore.state(sagaId)?.status).toBe('COMPENSATING');

    const failing: SagaStateCache = {
      get: () => Promise.reject(new Error('redis down')),
      set: (_state: SagaState) => Promise.reject(new Error('redis down')),
      delete: () => Promise.reject(new Error('redis down')),
    };
    const third = new SagaEngine({ ...ports, stateCache: failing });
    await third.getState(sagaId);
    expect(await metricValue(metrics.cacheErrors, { cache: 'saga-state', operation: 'get' })).toBe(
      1,
    );
    expect(await metricValue(metrics.cacheErrors, { cache: 'saga-state', operation: 'set' })).toBe(
      1,
    );
  });

  it('counts timers that could not be scheduled after a commit', async () => {
    const metrics = newMetrics();
    const clock = new ManualClock('2030-01-01T00:00:00Z');
    const engine = new SagaEngine({
      definitions: new DefinitionRegistry().register(transferSaga),
      eventStore: new InMemoryEventStore({ clock }),
      scheduler: {
        schedule: () => Promise.reject(new Error('redis down')),
        cancel: () => Promise.resolve(),
      },
      commandEncoder: new InMemoryCommandEncoder(),
      clock,
      ids: new SequentialIdGenerator({ prefix: 'saga' }),
      observer: metricsObserver(metrics),
    });

    await expect(engine.start({ sagaType: 'transfer', input })).rejects.toThrow(
      'could not be scheduled',
    );
    expect(await metricValue(metrics.timerSchedulingErrors)).toBe(1);
    expect(await metricValue(metrics.sagasStarted, transfer)).toBe(1);
  });
});
