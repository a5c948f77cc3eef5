import { checkOptions } from '@sagaflow/core';
import { collectDefaultMetrics, Registry } from 'prom-client';

/** Prefix of every Sagaflow metric name. */
const METRICS_PREFIX = 'sagaflow_';

/** Options of {@link createMetricsRegistry}. */
export interface MetricsRegistryOptions {
  /** Prefix of every metric name (Prometheus naming: `[a-zA-Z_:][a-zA-Z0-9_:]*`). @defaultValue `'sagaflow_'` */
  readonly prefix?: string;
  /** Labels added to every metric, e.g. `{ service: 'orchestrator' }`. @defaultValue `{}` */
  readonly defaultLabels?: Readonly<Record<string, string>>;
  /** Collect the default Node.js process metrics (CPU, memory, event loop lag, GC). @defaultValue `true` */
  readonly defaultMetrics?: boolean;
}

/** A registry plus the prefix its metrics must use. */
export interface MetricsRegistry {
  /** The prom-client registry; serve `await registry.metrics()` with `registry.contentType`. */
  readonly registry: Registry;
  /** The configured prefix; name new metrics `${prefix}…`. */
  readonly prefix: string;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * Creates a Prometheus registry of its own (never prom-client's global one, so several
 * services or tests in one process do not collide) with the default Node.js metrics under
 * the `sagaflow_` prefix.
 *
 * @example
 * ```ts
 * const { registry, prefix } = createMetricsRegistry({ defaultLabels: { service: 'orchestrator' } });
 * const started = new Counter({ name: `${prefix}sagas_started_total`, help: '…', registers: [registry] });
 * reply.type(registry.contentType).send(await registry.metrics());
 * ```
 */
export function createMetricsRegistry(options: MetricsRegistryOptions = {}): MetricsRegistry {
  const prefix = options.prefix ?? METRICS_PREFIX;
  const defaultLabels = options.defaultLabels ?? {};
  const defaultMetrics = options.defaultMetrics ?? true;
  checkOptions('createMetricsRegistry', [
    ['prefix', prefix, METRIC_NAME.test(prefix), 'a Prometheus metric name prefix'],
    [
      'defaultLabels',
      defaultLabels,
      Object.keys(defaultLabels).every((k) => LABEL_NAME.test(k) && !k.startsWith('__')),
      'label names matching [a-zA-Z_][a-zA-Z0-9_]* and not starting with __',
    ],
  ]);
  const registry = new Registry();
  registry.setDefaultLabels({ ...defaultLabels });
  if (defaultMetrics) collectDefaultMetrics({ register: registry, prefix });
  return { registry, prefix };
}
