import { OptionsError } from '@sagaflow/config';
import { RecordingLogger } from '@sagaflow/core/testing';
import { createMetricsRegistry } from '@sagaflow/observability';

import { metricValue } from './__fixtures__/metric-value';
import { createOrchestratorMetrics } from './orchestrator-metrics';

describe('createOrchestratorMetrics', () => {
  it('names every metric by Prometheus conventions under the registry prefix', async () => {
    const metricsRegistry = createMetricsRegistry({ defaultMetrics: false });
    createOrchestratorMetrics(metricsRegistry, {
      outboxPending: () => Promise.resolve(0),
      eventProcessFailed: () => Promise.resolve(0),
      eventProcessPending: () => Promise.resolve(0),
      sagasInFlight: () => Promise.resolve(0),
    });

    const metrics = await metricsRegistry.registry.getMetricsAsJSON();
    expect(metrics.map((metric) => `${String(metric.type)} ${metric.name}`).sort()).toEqual([
      'counter sagaflow_cache_errors_total',
      'counter sagaflow_cache_requests_total',
      'counter sagaflow_commands_dispatched_total',
      'counter sagaflow_dead_letters_total',
      'counter sagaflow_decisions_total',
      'counter sagaflow_duplicates_discarded_total',
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
      'gauge sagaflow_event_process_failed_messages',
      'gauge sagaflow_event_process_pending_messages',
      'gauge sagaflow_outbox_pending_messages',
      'gauge sagaflow_sagas_in_flight',
      'histogram sagaflow_decision_duration_seconds',
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
      inboxRepairs: 0,
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

  it('rejects bad options, naming the field', () => {
    const metricsRegistry = createMetricsRegistry({ defaultMetrics: false });
    expect(() =>
      createOrchestratorMetrics(metricsRegistry, { sagaDurationBuckets: [5, 1] }),
    ).toThrow(OptionsError);
    expect(() => createOrchestratorMetrics(metricsRegistry, { sagaDurationBuckets: [] })).toThrow(
      'sagaDurationBuckets=[]',
    );
  });
});
