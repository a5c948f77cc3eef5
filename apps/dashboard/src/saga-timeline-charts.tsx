import { type ReactNode } from 'react';

import { type StatsTimeline } from './api-client';
import { formatNumber } from './format';
import { type ChartSeries, TimeSeriesChart } from './time-series-chart';
import { type ApiResource } from './use-api-resource';

/** The windows an operator can look back over, each with a bucket size giving 60–96 points. */
export const CHART_WINDOWS = [
  { label: '15 minutes', minutes: 15, bucketSeconds: 15 },
  { label: '1 hour', minutes: 60, bucketSeconds: 60 },
  { label: '6 hours', minutes: 360, bucketSeconds: 300 },
  { label: '24 hours', minutes: 1440, bucketSeconds: 900 },
] as const;

/** One of {@link CHART_WINDOWS}. */
export type ChartWindow = (typeof CHART_WINDOWS)[number];

/** Colours and dashes of the lines: told apart by the legend's words and the dash too. */
const LOOKS = {
  started: { color: '#1f5fbf' },
  completed: { color: '#1d7a3a', dash: [6, 3] },
  compensated: { color: '#a35f00', dash: [2, 3] },
  p50: { color: '#1d7a3a' },
  p95: { color: '#a35f00', dash: [6, 3] },
  p99: { color: '#b3261e', dash: [2, 3] },
} as const;

/**
 * The overview's charts over time (`GET /stats/timeline`): sagas started, completed and
 * compensated per second, and the p50/p95/p99 duration of the sagas that ended, per bucket
 * of the chosen window. The window is picked with buttons; the charts keep their size while
 * data loads.
 */
export function SagaTimelineCharts(props: {
  readonly timeline: ApiResource<StatsTimeline>;
  readonly window: ChartWindow;
  readonly onWindow: (window: ChartWindow) => void;
}): ReactNode {
  const { timeline } = props;
  const data = timeline.data;
  const times = data?.buckets.map((bucket) => Date.parse(bucket.at) / 1000) ?? [];
  const perSecond = (count: number): number => count / (data?.bucketSeconds ?? 1);
  const rates: ChartSeries[] = (['started', 'completed', 'compensated'] as const).map((field) => ({
    label: field,
    values: data?.buckets.map((bucket) => perSecond(bucket[field])) ?? [],
    ...LOOKS[field],
  }));
  const latency: ChartSeries[] = (['p50', 'p95', 'p99'] as const).map((field) => ({
    label: field,
    values: data?.buckets.map((bucket) => bucket.latencyMs?.[field] ?? null) ?? [],
    // A bucket in which no saga ended has no duration: a gap, each value a dot.
    points: true,
    ...LOOKS[field],
  }));
  return (
    <section aria-labelledby="over-time">
      <div className="title-row">
        <h2 id="over-time">Over time</h2>
        <div className="segmented" role="group" aria-label="Chart window">
          {CHART_WINDOWS.map((window) => (
            <button
              type="button"
              key={window.minutes}
              className={window === props.window ? undefined : 'secondary'}
              aria-pressed={window === props.window}
              onClick={() => {
                props.onWindow(window);
              }}
            >
              {window.label}
            </button>
          ))}
        </div>
      </div>
      {timeline.error === null ? null : <p className="error">{timeline.error.describe()}</p>}
      <div className="charts">
        <TimeSeriesChart
          title="Sagas per second"
          unit="/s"
          times={times}
          series={rates}
          summary={rateSummary(data)}
        />
        <TimeSeriesChart
          title="Saga duration"
          unit=" ms"
          times={times}
          series={latency}
          summary={latencySummary(data)}
        />
      </div>
    </section>
  );
}

/** The window's totals, in words. */
function rateSummary(data: StatsTimeline | null): string {
  if (data === null) return 'Loading…';
  const sum = (field: 'started' | 'completed' | 'compensated'): number =>
    data.buckets.reduce((total, bucket) => total + bucket[field], 0);
  const seconds = data.window.minutes * 60;
  return `Over the last ${data.window.minutes} min: ${sum('started')} started, ${sum('completed')} completed, ${sum('compensated')} compensated (${formatNumber((sum('completed') + sum('compensated')) / seconds)} ended/s).`;
}

/** The latest bucket with ended sagas, in words. */
function latencySummary(data: StatsTimeline | null): string {
  if (data === null) return 'Loading…';
  const last = data.buckets.findLast((bucket) => bucket.latencyMs !== null);
  const latency = last?.latencyMs ?? null;
  if (last === undefined || latency === null) {
    return `No saga ended in the last ${data.window.minutes} min.`;
  }
  const { p50, p95, p99 } = latency;
  return `Sagas ended at ${new Date(last.at).toLocaleTimeString()}: p50 ${formatNumber(p50)} ms, p95 ${formatNumber(p95)} ms, p99 ${formatNumber(p99)} ms.`;
}

/** The chart window the overview's URL names (`?window=15`), one hour when it names none. */
export function chartWindowOf(search: URLSearchParams): ChartWindow {
  const minutes = Number(search.get('window'));
  return CHART_WINDOWS.find((window) => window.minutes === minutes) ?? CHART_WINDOWS[1];
}
