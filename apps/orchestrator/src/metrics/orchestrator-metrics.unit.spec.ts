import { InvalidArgumentError } from '@sagaflow/core';
import { RecordingLogger } from '@sagaflow/core/testing';
import { createMetricsRegistry } from '@sagaflow/observability';

import { metricValue } from './__fixtures__/metric-value';
import { createOrchestratorMetrics } from './orchestrator-metrics';
import { type ConsumerPartitionLag } from './orchestrator-metrics-options';

describe('createOrchestratorMetrics', () => {
  it('names every metric by Prometheus conventions under the registry prefix', async () => {
    const metricsRegistry = createMetricsRegistry({ defaultMetrics: false });
    createOrchestratorMetrics(metricsRegistry, {
      outboxPending: () => Promise.resolve(0),
      eventProcessFailed: () => Promise.resolve(0),
      eventProcessPending: () => Promise.resolve(0),
      sagasInFlight: () => Promise.resolve(0),
      sagaCounts: () => Promise.resolve({ byType: {} }),
      oldestActiveSagaStartedAt: () => Promise.resolve(null),
      outboxOldestPendingCreatedAt: () => Promise.resolve(null),
      consumerLag: () => Promise.resolve([]),
    });

    const metrics = await metricsRegistry.registry.getMetricsAsJSON();
    expect(metrics.map((metric) => `${String(metric.type)} ${metric.name}`).sort()).toEqual([
      'counter sagaflow_cache_errors_total',
      'counter sagaflow_cache_requests_total',
      'counter sagaflow_commands_dispatched_total',
      'counter sagaflow_dead_letters_total',
      'counter sagaflow_decisions_total',
      'counter sagaflow_duplicates_discarded_total',
      'counter sagaflow_http_requests_total',
      'counter sagaflow_inputs_ignored_total',
      'counter sagaflow_optimistic_lock_conflicts_total',
      'counter sagaflow_outbox_published_messages_total',
      'counter sagaflow_reconciliation_failures_total',
      'counter sagaflow_reconciliation_repairs_total',
      'counter sagaflow_replies_total',
      'counter sagaflow_rows_purged_total',
      'counter sagaflow_saga_starts_deduplicated_total',
      'counter sagaflow_saga_starts_refused_total',
      'counter sagaflow_sagas_ended_total',
      'counter sagaflow_sagas_parked_total',
      'counter sagaflow_sagas_started_total',
      'counter sagaflow_timer_scheduling_errors_total',
      'gauge sagaflow_consumer_lag_messages',
      'gauge sagaflow_event_process_failed_messages',
      'gauge sagaflow_event_process_pending_messages',
      'gauge sagaflow_oldest_active_saga_age_seconds',
      'gauge sagaflow_outbox_lag_seconds',
      'gauge sagaflow_outbox_pending_messages',
      'gauge sagaflow_sagas',
      'gauge sagaflow_sagas_in_flight',
      'histogram sagaflow_decision_duration_seconds',
      'histogram sagaflow_http_request_duration_seconds',
      'histogram sagaflow_outbox_publish_duration_seconds',
      'histogram sagaflow_reconciliation_duration_seconds',
      'histogram sagaflow_saga_duration_seconds',
    ]);
    for (const { name, type } of metrics) {
      expect(name).toMatch(/^sagaflow_[a-z_]+$/);
      if (String(type) === 'counter') expect(name).toMatch(/_total$/);
      if (String(type) === 'histogram') expect(name).toMatch(/_seconds$/);
    }
  });

  it('counts what the wiring code records', async () => {
    const metrics = createOrchestratorMetrics(createMetricsRegistry({ defaultMetrics: false }));

    metrics.recordDuplicates('orchestrator', 3);
    metrics.recordDuplicates('orchestrator');
    metrics.recordDuplicates('orchestrator', 0);
    metrics.recordDeadLetter('ledger', 'MALFORMED_MESSAGE');
    metrics.recordCacheLookups('event-process', 5, 2);
    metrics.recordCacheError('event-process', 'get');
    metrics.recordOutboxPublished(25, 40);
    metrics.recordStartRefused('pending-replies');
    metrics.recordStartRefused('pending-replies');
    metrics.recordPurged('outbox', 1200);
    metrics.recordPurged('outbox', 300);
    metrics.recordPurged('event_process', 0);
    metrics.recordReconciliation({
      sagaRepairs: 2,
      eventProcessRepairs: 0,
      requeued: 1,
      timersRearmed: -1,
      failures: 1,
      durationMs: 1_500,
    });

    expect(await metricValue(metrics.duplicatesDiscarded, { consumer: 'orchestrator' })).toBe(4);
    expect(
      await metricValue(metrics.deadLetters, { consumer: 'ledger', reason: 'MALFORMED_MESSAGE' }),
    ).toBe(1);
    const eventProcess = { cache: 'event-process' };
    expect(await metricValue(metrics.cacheRequests, { ...eventProcess, result: 'hit' })).toBe(5);
    expect(await metricValue(metrics.cacheRequests, { ...eventProcess, result: 'miss' })).toBe(2);
    expect(await metricValue(metrics.cacheErrors, { ...eventProcess, operation: 'get' })).toBe(1);
    expect(await metricValue(metrics.outboxPublished)).toBe(25);
    expect(await metricValue(metrics.startsRefused, { reason: 'pending-replies' })).toBe(2);
    expect(await metricValue(metrics.rowsPurged, { table: 'outbox' })).toBe(1500);
    expect(await metricValue(metrics.rowsPurged, { table: 'event_process' })).toBe(0);
    expect(await metricValue(metrics.outboxPublishDuration, {}, '_sum')).toBe(0.04);
    expect(await metricValue(metrics.reconciliationRepairs, { kind: 'saga_state' })).toBe(2);
    expect(await metricValue(metrics.reconciliationRepairs, { kind: 'requeued' })).toBe(1);
    expect(await metricValue(metrics.reconciliationRepairs, { kind: 'event_process' })).toBe(0);
    expect(await metricValue(metrics.reconciliationRepairs, { kind: 'timers_rearmed' })).toBe(0);
    expect(await metricValue(metrics.reconciliationFailures)).toBe(1);
    expect(await metricValue(metrics.reconciliationDuration, {}, '_sum')).toBe(1.5);
  });

  it('reads the gauges through their callbacks at each scrape', async () => {
    const metricsRegistry = createMetricsRegistry({ defaultMetrics: false });
    let pending = 7;
    createOrchestratorMetrics(metricsRegistry, {
      outboxPending: () => Promise.resolve(pending),
      eventProcessFailed: () => Promise.resolve(2),
      eventProcessPending: () => Promise.resolve(12),
      sagasInFlight: () => Promise.resolve(Number.NaN),
    });

    expect(await metricsRegistry.registry.metrics()).toContain(
      'sagaflow_outbox_pending_messages 7',
    );
    pending = 0;
    const text = await metricsRegistry.registry.metrics();
    expect(text).toContain('sagaflow_outbox_pending_messages 0');
    expect(text).toContain('sagaflow_event_process_failed_messages 2');
    expect(text).toContain('sagaflow_event_process_pending_messages 12');
    // Unknown (admission control has not counted yet): NaN, not a made-up 0.
    expect(text).toMatch(/^sagaflow_sagas_in_flight nan$/im);
  });

  it('has no gauge without its callback, and reads NaN (logged) when the callback fails', async () => {
    const metricsRegistry = createMetricsRegistry({ defaultMetrics: false });
    const logger = new RecordingLogger();
    const metrics = createOrchestratorMetrics(metricsRegistry, {
      outboxPending: () => Promise.reject(new Error('mysql down')),
      logger,
    });

    expect(metrics.eventProcessFailed).toBeNull();
    const text = await metricsRegistry.registry.metrics();
    // prom-client writes NaN as `Nan`; Prometheus parses it case-insensitively.
    expect(text).toMatch(/^sagaflow_outbox_pending_messages nan$/im);
    expect(text).not.toContain('event_process_failed');
    expect(logger.lines).toContainEqual({
      level: 'warn',
      message: 'metric source failed',
      fields: { metric: 'sagaflow_outbox_pending_messages', error: 'mysql down' },
    });
  });

  it('counts HTTP requests by method, route pattern and status code, with their duration', async () => {
    const metrics = createOrchestratorMetrics(createMetricsRegistry({ defaultMetrics: false }));

    metrics.recordHttpRequest('GET', '/sagas/:sagaId', 200, 12);
    metrics.recordHttpRequest('GET', '/sagas/:sagaId', 200, 8);
    metrics.recordHttpRequest('GET', 'unmatched', 404, 1);
    metrics.recordHttpRequest('GET', '/stats', 200, Number.NaN);

    const saga = { method: 'GET', route: '/sagas/:sagaId', status_code: '200' };
    expect(await metricValue(metrics.httpRequests, saga)).toBe(2);
    expect(await metricValue(metrics.httpRequestDuration, saga, '_count')).toBe(2);
    expect(await metricValue(metrics.httpRequestDuration, saga, '_sum')).toBeCloseTo(0.02);
    const unmatched = { method: 'GET', route: 'unmatched', status_code: '404' };
    expect(await metricValue(metrics.httpRequests, unmatched)).toBe(1);
    // Counted, but a duration that is not a number is not observed.
    const stats = { method: 'GET', route: '/stats', status_code: '200' };
    expect(await metricValue(metrics.httpRequests, stats)).toBe(1);
    expect(await metricValue(metrics.httpRequestDuration, stats, '_count')).toBe(0);
  });

  it('gauges the sagas by type and status, each scrape replacing the last', async () => {
    const metricsRegistry = createMetricsRegistry({ defaultMetrics: false });
    let byType: Record<string, Record<string, number>> = {
      payment: { RUNNING: 2, COMPLETED: 5, COMPENSATION_FAILED: 1 },
      refund: { RUNNING: 0, COMPLETED: 3, COMPENSATION_FAILED: 0 },
    };
    const metrics = createOrchestratorMetrics(metricsRegistry, {
      sagaCounts: () => Promise.resolve({ byType }),
    });
    const sagas = metrics.sagas;
    if (sagas === null) throw new Error('the sagas gauge is missing');

    const text = await metricsRegistry.registry.metrics();
    expect(text).toContain('sagaflow_sagas{saga_type="payment",status="COMPENSATION_FAILED"} 1');
    expect(text).toContain('sagaflow_sagas{saga_type="refund",status="COMPLETED"} 3');
    expect(text).toContain('sagaflow_sagas{saga_type="refund",status="COMPENSATION_FAILED"} 0');

    byType = { payment: { RUNNING: 0, COMPLETED: 8, COMPENSATION_FAILED: 0 } };
    const next = await metricsRegistry.registry.metrics();
    expect(next).toContain('sagaflow_sagas{saga_type="payment",status="COMPLETED"} 8');
    expect(next).toContain('sagaflow_sagas{saga_type="payment",status="COMPENSATION_FAILED"} 0');
    expect(next).not.toContain('saga_type="refund"');
  });

  it('gauges the age of the oldest saga in flight and of the outbox lag, 0 when none', async () => {
    const metricsRegistry = createMetricsRegistry({ defaultMetrics: false });
    const now = new Date('2030-01-01T12:00:00.000Z');
    let oldestSaga: Date | null = new Date('2030-01-01T11:00:00.000Z');
    let oldestOutbox: Date | null = new Date('2030-01-01T11:59:57.500Z');
    createOrchestratorMetrics(metricsRegistry, {
      oldestActiveSagaStartedAt: () => Promise.resolve(oldestSaga),
      outboxOldestPendingCreatedAt: () => Promise.resolve(oldestOutbox),
      clock: { now: () => now },
    });

    const text = await metricsRegistry.registry.metrics();
    expect(text).toContain('sagaflow_oldest_active_saga_age_seconds 3600');
    expect(text).toContain('sagaflow_outbox_lag_seconds 2.5');

    oldestSaga = null;
    // A writer's clock ahead of this one gives no negative age.
    oldestOutbox = new Date('2030-01-01T12:00:01.000Z');
    const idle = await metricsRegistry.registry.metrics();
    expect(idle).toContain('sagaflow_oldest_active_saga_age_seconds 0');
    expect(idle).toContain('sagaflow_outbox_lag_seconds 0');
  });

  it('gauges the consumer lag per group and partition, keeping the last values when a read fails', async () => {
    const metricsRegistry = createMetricsRegistry({ defaultMetrics: false });
    const logger = new RecordingLogger();
    let read: () => Promise<readonly ConsumerPartitionLag[]> = () =>
      Promise.resolve([
        { groupId: 'it.orchestrator', topic: 'it.saga.replies', partition: 0, lag: 0 },
        { groupId: 'it.orchestrator', topic: 'it.saga.replies', partition: 1, lag: 12 },
      ]);
    createOrchestratorMetrics(metricsRegistry, { consumerLag: () => read(), logger });
    const lagOf = (partition: number) =>
      `sagaflow_consumer_lag_messages{group="it.orchestrator",topic="it.saga.replies",partition="${partition}"}`;

    const text = await metricsRegistry.registry.metrics();
    expect(text).toContain(`${lagOf(0)} 0`);
    expect(text).toContain(`${lagOf(1)} 12`);

    read = () => Promise.reject(new Error('Broker not connected'));
    const failed = await metricsRegistry.registry.metrics();
    expect(failed).toContain(`${lagOf(1)} 12`);
    expect(logger.lines).toContainEqual({
      level: 'warn',
      message: 'metric source failed',
      fields: {
        metric: 'sagaflow_consumer_lag_messages',
        error: 'Broker not connected',
        keptLastValues: true,
      },
    });
  });

  it('serves the scrape without a source that does not answer in time', async () => {
    const metricsRegistry = createMetricsRegistry({ defaultMetrics: false });
    const logger = new RecordingLogger();
    let lagAnswers = true;
    const never = new Promise<never>(() => undefined);
    createOrchestratorMetrics(metricsRegistry, {
      outboxPending: () => never,
      consumerLag: () =>
        lagAnswers ? Promise.resolve([{ groupId: 'g', topic: 't', partition: 0, lag: 4 }]) : never,
      gaugeReadTimeoutMs: 20,
      logger,
    });
    await metricsRegistry.registry.metrics();
    lagAnswers = false;

    const text = await metricsRegistry.registry.metrics();

    expect(text).toMatch(/^sagaflow_outbox_pending_messages nan$/im);
    expect(text).toContain('sagaflow_consumer_lag_messages{group="g",topic="t",partition="0"} 4');
    expect(logger.lines).toContainEqual({
      level: 'warn',
      message: 'metric source failed',
      fields: { metric: 'sagaflow_outbox_pending_messages', error: 'no answer within 20 ms' },
    });
  });

  it('rejects bad options, naming the field', () => {
    const metricsRegistry = createMetricsRegistry({ defaultMetrics: false });
    expect(() =>
      createOrchestratorMetrics(metricsRegistry, { sagaDurationBuckets: [5, 1] }),
    ).toThrow(InvalidArgumentError);
    expect(() => createOrchestratorMetrics(metricsRegistry, { sagaDurationBuckets: [] })).toThrow(
      'sagaDurationBuckets=[]',
    );
    expect(() => createOrchestratorMetrics(metricsRegistry, { gaugeReadTimeoutMs: 0 })).toThrow(
      'gaugeReadTimeoutMs=0',
    );
  });
});
