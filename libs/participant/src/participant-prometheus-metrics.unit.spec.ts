import { InvalidArgumentError } from '@sagaflow/core';
import { createMetricsRegistry, type MetricsRegistry } from '@sagaflow/observability';

import { createParticipantPrometheusMetrics } from './participant-prometheus-metrics';

/**
 * The value of the first series of metric `name` with these labels (a histogram's
 * `_bucket`, `_sum` or `_count` when `series` says so); undefined when there is none.
 */
async function valueOf(
  { registry }: MetricsRegistry,
  name: string,
  labels: Readonly<Record<string, string | number>>,
  series = name,
): Promise<number | undefined> {
  const metric = registry.getSingleMetric(name);
  if (metric === undefined) throw new Error(`no metric ${name}`);
  const { values } = await metric.get();
  return values.find(
    (v) =>
      ((v as { metricName?: string }).metricName ?? name) === series &&
      Object.entries(labels).every(([key, value]) => v.labels[key] === value),
  )?.value;
}

function setUp(): {
  metricsRegistry: MetricsRegistry;
  metrics: ReturnType<typeof createParticipantPrometheusMetrics>;
} {
  const metricsRegistry = createMetricsRegistry({ defaultMetrics: false });
  const metrics = createParticipantPrometheusMetrics(metricsRegistry, {
    participant: 'payment-service',
  });
  return { metricsRegistry, metrics };
}

describe('createParticipantPrometheusMetrics', () => {
  it('counts answered commands by type, direction and outcome, and times them in seconds', async () => {
    const { metricsRegistry, metrics } = setUp();

    const forward = { messageType: 'ReserveCredit', direction: 'forward' } as const;
    metrics.onHandled({ ...forward, outcome: 'applied', durationMs: 12 });
    metrics.onHandled({ ...forward, outcome: 'applied', durationMs: 40 });
    metrics.onHandled({ ...forward, outcome: 'business-failure', durationMs: 3 });
    metrics.onHandled({
      messageType: 'ReserveCredit',
      direction: 'compensation',
      outcome: 'nothing-to-undo',
      durationMs: 1,
    });

    const commands = 'sagaflow_participant_commands_total';
    const labels = { participant: 'payment-service', message_type: 'ReserveCredit' };
    await expect(
      valueOf(metricsRegistry, commands, { ...labels, direction: 'forward', outcome: 'applied' }),
    ).resolves.toBe(2);
    await expect(
      valueOf(metricsRegistry, commands, { ...labels, outcome: 'business-failure' }),
    ).resolves.toBe(1);
    await expect(
      valueOf(metricsRegistry, commands, { ...labels, direction: 'compensation' }),
    ).resolves.toBe(1);
    const duration = 'sagaflow_participant_handler_duration_seconds';
    const forwardLabels = { ...labels, direction: 'forward' };
    await expect(
      valueOf(metricsRegistry, duration, { ...forwardLabels, le: 0.025 }, `${duration}_bucket`),
    ).resolves.toBe(2);
    await expect(
      valueOf(metricsRegistry, duration, forwardLabels, `${duration}_count`),
    ).resolves.toBe(3);
    await expect(
      valueOf(metricsRegistry, duration, forwardLabels, `${duration}_sum`),
    ).resolves.toBeCloseTo(0.055, 6);
    const text = await metricsRegistry.registry.metrics();
    expect(text).toContain(`# TYPE ${duration} histogram`);
    expect(text).toContain(
      `${duration}_count{participant="payment-service",message_type="ReserveCredit",direction="forward"} 3`,
    );
  });

  it('counts duplicates, failures, dead letters and lost jobs with their labels', async () => {
    const { metricsRegistry, metrics } = setUp();

    metrics.onDuplicate({ reason: 'redelivered', count: 3 });
    metrics.onDuplicate({ reason: 'step-applied', count: 1 });
    metrics.onFailure({ messageType: 'ReserveCredit', kind: 'retry', code: 'ER_LOCK_DEADLOCK' });
    metrics.onFailure({ messageType: 'ReserveCredit', kind: 'technical', code: 'HANDLER_FAILED' });
    metrics.onFailure({
      messageType: 'ReserveCredit',
      kind: 'business',
      code: 'CREDIT_LIMIT_EXCEEDED',
    });
    metrics.onDeadLetter({ reasonCode: 'INVALID_ENVELOPE' });
    metrics.onDeadLetter({ reasonCode: 'INVALID_ENVELOPE' });
    metrics.onJobLost({ queue: 'sagaflow-payment-service-ep-payment-service' });

    const text = await metricsRegistry.registry.metrics();
    for (const series of [
      'sagaflow_participant_duplicates_total{participant="payment-service",reason="redelivered"} 3',
      'sagaflow_participant_duplicates_total{participant="payment-service",reason="step-applied"} 1',
      'sagaflow_participant_failures_total{participant="payment-service",message_type="ReserveCredit",kind="retry",code="ER_LOCK_DEADLOCK"} 1',
      'sagaflow_participant_failures_total{participant="payment-service",message_type="ReserveCredit",kind="technical",code="HANDLER_FAILED"} 1',
      'sagaflow_participant_failures_total{participant="payment-service",message_type="ReserveCredit",kind="business",code="CREDIT_LIMIT_EXCEEDED"} 1',
      'sagaflow_participant_dead_letters_total{participant="payment-service",reason="INVALID_ENVELOPE"} 2',
      'sagaflow_participant_jobs_lost_total{participant="payment-service",queue="sagaflow-payment-service-ep-payment-service"} 1',
    ]) {
      expect(text).toContain(series);
    }
  });

  it('counts a code that is not code-like as OTHER, so label values stay few', async () => {
    const { metricsRegistry, metrics } = setUp();

    metrics.onFailure({
      messageType: 'ReserveCredit',
      kind: 'retry',
      code: 'connect ECONNREFUSED 10.0.0.7:3306',
    });
    metrics.onFailure({ messageType: 'ReserveCredit', kind: 'retry', code: 'X'.repeat(65) });
    metrics.onDeadLetter({ reasonCode: '' });

    await expect(
      valueOf(metricsRegistry, 'sagaflow_participant_failures_total', { code: 'OTHER' }),
    ).resolves.toBe(2);
    await expect(
      valueOf(metricsRegistry, 'sagaflow_participant_dead_letters_total', { reason: 'OTHER' }),
    ).resolves.toBe(1);
  });

  it('never throws: invalid counts and durations are skipped', async () => {
    const { metricsRegistry, metrics } = setUp();
    const handled = {
      messageType: 'ReserveCredit',
      direction: 'forward',
      outcome: 'applied',
    } as const;

    for (const durationMs of [Number.NaN, -1, Number.POSITIVE_INFINITY]) {
      expect(() => {
        metrics.onHandled({ ...handled, durationMs });
      }).not.toThrow();
    }
    for (const count of [0, -2, Number.NaN]) {
      expect(() => {
        metrics.onDuplicate({ reason: 'redelivered', count });
      }).not.toThrow();
    }

    await expect(
      valueOf(metricsRegistry, 'sagaflow_participant_commands_total', { outcome: 'applied' }),
    ).resolves.toBe(3);
    const text = await metricsRegistry.registry.metrics();
    expect(text).not.toContain('sagaflow_participant_handler_duration_seconds_count');
    await expect(
      valueOf(metricsRegistry, 'sagaflow_participant_duplicates_total', {}),
    ).resolves.toBeUndefined();
  });

  it('keeps the registry prefix and default labels, and validates its options', async () => {
    const metricsRegistry = createMetricsRegistry({
      prefix: 'shop_',
      defaultLabels: { service: 'payments' },
      defaultMetrics: false,
    });
    createParticipantPrometheusMetrics(metricsRegistry, {
      participant: 'payment-service',
    }).onJobLost({ queue: 'q' });

    await expect(metricsRegistry.registry.metrics()).resolves.toContain(
      'shop_participant_jobs_lost_total{participant="payment-service",queue="q",service="payments"} 1',
    );
    const fresh = createMetricsRegistry({ defaultMetrics: false });
    expect(() => createParticipantPrometheusMetrics(fresh, { participant: ' ' })).toThrow(
      InvalidArgumentError,
    );
    expect(() =>
      createParticipantPrometheusMetrics(fresh, {
        participant: 'p',
        handlerDurationBuckets: [1, 0.5],
      }),
    ).toThrow('handlerDurationBuckets=[1,0.5]');
  });
});
