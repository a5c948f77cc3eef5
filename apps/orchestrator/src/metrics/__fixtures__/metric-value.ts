import { type Counter, type Gauge, type Histogram } from 'prom-client';

/**
 * The value of one sample of a metric: the one whose labels are exactly `labels` (and, for
 * a histogram, whose name ends with `suffix`, e.g. `_count` or `_sum`); 0 when absent.
 */
export async function metricValue(
  metric: Counter | Gauge | Histogram,
  labels: Readonly<Record<string, string>> = {},
  suffix = '',
): Promise<number> {
  const { name, values } = await metric.get();
  // Histogram samples carry their own name (`…_bucket`, `…_sum`, `…_count`).
  const sample = (values as { metricName?: string; labels: object; value: number }[]).find(
    (value) =>
      (value.metricName ?? name) === `${name}${suffix}` &&
      sameLabels(value.labels as Record<string, unknown>, labels),
  );
  return sample?.value ?? 0;
}

function sameLabels(
  actual: Readonly<Record<string, unknown>>,
  expected: Readonly<Record<string, string>>,
): boolean {
  const keys = Object.keys(actual).filter((key) => key !== 'le');
  return (
    keys.length === Object.keys(expected).length &&
    keys.every((key) => String(actual[key]) === expected[key])
  );
}
