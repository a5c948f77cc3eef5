import { INSTANCE_ID_PATTERN } from '@sagaflow/config';
import { InvalidArgumentError } from '@sagaflow/core';
import { RecordingLogger } from '@sagaflow/core/testing';
import { createMetricsRegistry } from '@sagaflow/observability';

import { loadOrchestratorConfig } from '../config';
import { paymentSaga } from './__fixtures__/payment-saga';
import { type OrchestratorOptions, resolveOrchestratorOptions } from './orchestrator-options';

const config = loadOrchestratorConfig({ SAGAFLOW_SAGAS_MODULE: './sagas.js' });

describe('resolveOrchestratorOptions', () => {
  it('applies the defaults: a new instance id, a logger and a metrics registry', () => {
    const resolved = resolveOrchestratorOptions({ config, definitions: [paymentSaga] });

    expect(resolved.instanceId).toMatch(INSTANCE_ID_PATTERN);
    expect(typeof resolved.logger.child).toBe('function');
    expect(resolved.registry.prefix).toBe('sagaflow_');
  });

  it('keeps what it is given', () => {
    const logger = new RecordingLogger();
    const registry = createMetricsRegistry({ defaultMetrics: false });

    const resolved = resolveOrchestratorOptions({
      config,
      definitions: [paymentSaga],
      logger,
      registry,
      instanceId: 'pod-7',
    });

    expect(resolved).toMatchObject({ logger, registry, instanceId: 'pod-7' });
  });

  it('takes the instance id of the configuration unless one is given', () => {
    const configured = { ...config, instanceId: 'pod-3' };

    expect(
      resolveOrchestratorOptions({ config: configured, definitions: [paymentSaga] }),
    ).toMatchObject({ instanceId: 'pod-3' });
    expect(
      resolveOrchestratorOptions({
        config: configured,
        definitions: [paymentSaga],
        instanceId: 'pod-9',
      }),
    ).toMatchObject({ instanceId: 'pod-9' });
  });

  it('names every bad field', () => {
    const resolve = () =>
      resolveOrchestratorOptions({
        config: { serviceName: 'orchestrator' },
        definitions: [],
        instanceId: 'pod 7',
      } as unknown as OrchestratorOptions);

    expect(resolve).toThrow(InvalidArgumentError);
    expect(resolve).toThrow(/config=.*expected an OrchestratorConfig/);
    expect(resolve).toThrow(/definitions=\[\] \(expected a non-empty list of saga definitions\)/);
    expect(resolve).toThrow(/instanceId="pod 7" \(expected 1 to 128 characters/);
  });

  it('rejects a list that holds something other than definitions', () => {
    expect(() =>
      resolveOrchestratorOptions({
        config,
        definitions: [paymentSaga, 'payment'],
      } as unknown as OrchestratorOptions),
    ).toThrow(/definitions=.*expected a non-empty list of saga definitions/);
  });

  it('checks the numbers a hand-built configuration hands to the components', () => {
    const resolve = () =>
      resolveOrchestratorOptions({
        config: {
          ...config,
          workerConcurrency: 0,
          eventProcessLeaseMs: -1,
          retentionMs: -604_800_000,
          purgeIntervalMs: 0,
          topics: { ...config.topics, partitions: 1.5 },
          http: { ...config.http, port: 70_000 },
          kafka: { ...config.kafka, sessionTimeoutMs: 6000, heartbeatIntervalMs: 3000 },
          admission: { ...config.admission, maxInFlightSagas: -5 },
        },
        definitions: [paymentSaga],
      });

    expect(resolve).toThrow(/config\.workerConcurrency=0 \(expected an integer ≥ 1\)/);
    expect(resolve).toThrow(/config\.eventProcessLeaseMs=-1/);
    expect(resolve).toThrow(/config\.retentionMs=-604800000/);
    expect(resolve).toThrow(/config\.purgeIntervalMs=0/);
    expect(resolve).toThrow(/config\.topics\.partitions=1\.5/);
    expect(resolve).toThrow(/config\.http\.port=70000 \(expected a port number/);
    expect(resolve).toThrow(/config\.kafka\.heartbeatIntervalMs=3000 \(expected .*a third/);
    expect(resolve).toThrow(/config\.admission\.maxInFlightSagas=-5/);
  });
});
