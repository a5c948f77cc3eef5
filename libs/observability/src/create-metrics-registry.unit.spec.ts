import { InvalidArgumentError } from '@sagaflow/core';
import { Counter } from 'prom-client';

import { createMetricsRegistry } from './create-metrics-registry';

describe('createMetricsRegistry', () => {
  it('collects the default Node.js metrics under the sagaflow_ prefix', async () => {
    const { registry, prefix } = createMetricsRegistry({
      defaultLabels: { service: 'orchestrator' },
    });
    expect(prefix).toBe('sagaflow_');
    const text = await registry.metrics();
    expect(text).toContain('# TYPE sagaflow_process_cpu_user_seconds_total counter');
    expect(text).toContain('sagaflow_nodejs_heap_size_used_bytes{service="orchestrator"}');
    const names = (await registry.getMetricsAsJSON()).map((m) => m.name);
    expect(names.length).toBeGreaterThan(5);
    expect(names.every((n) => n.startsWith('sagaflow_'))).toBe(true);
  });

  it('gives each call its own registry, so metrics never collide', async () => {
    const a = createMetricsRegistry({ defaultMetrics: false });
    const b = createMetricsRegistry({ defaultMetrics: false });
    const counter = new Counter({
      name: `${a.prefix}things_total`,
      help: 'h',
      registers: [a.registry],
    });
    counter.inc(3);
    expect(await a.registry.metrics()).toContain('sagaflow_things_total 3');
    expect(await b.registry.metrics()).toBe('\n');
  });

  it('rejects a bad prefix or label name', () => {
    expect(() => createMetricsRegistry({ prefix: 'saga-flow' })).toThrow(InvalidArgumentError);
    expect(() => createMetricsRegistry({ prefix: 'saga-flow' })).toThrow('prefix="saga-flow"');
    expect(() => createMetricsRegistry({ defaultLabels: { 'bad-label': 'x' } })).toThrow(
      'defaultLabels={"bad-label":"x"}',
    );
  });
});
