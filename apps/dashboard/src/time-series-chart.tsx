import 'uplot/dist/uPlot.min.css';

import { type ReactNode, useEffect, useRef } from 'react';
import uPlot from 'uplot';

import { formatNumber } from './format';

/** One line of a chart: its name in the legend, its values (null: no value), how it is drawn. */
export interface ChartSeries {
  readonly label: string;
  readonly values: readonly (number | null)[];
  readonly color: string;
  /** A dash pattern, so lines differ by more than their colour. */
  readonly dash?: readonly number[];
  /** Draws each value as a dot too: a value between gaps shows. */
  readonly points?: boolean;
}

/** What {@link TimeSeriesChart} draws. */
export interface TimeSeriesChartProps {
  /** Read by screen readers, and the chart's test id. */
  readonly title: string;
  /** Unix seconds of each point, ascending. */
  readonly times: readonly number[];
  readonly series: readonly ChartSeries[];
  /** The value axis' unit, as the axis labels end (`/s`, ` ms`). */
  readonly unit: string;
  /** A sentence of what the chart shows now, for screen readers and below the chart. */
  readonly summary: string;
}

/** The plot's height; the box keeps it while loading, so nothing below moves. */
const HEIGHT_PX = 200;

/**
 * A line chart over time, drawn by uPlot on a canvas that follows its box's width; new data
 * redraws it in place (no new canvas, no layout jump). The `summary` is its text for screen
 * readers and is shown under it.
 *
 * @example
 * ```tsx
 * <TimeSeriesChart title="Sagas per second" unit="/s" times={times} summary="3.2/s now"
 *   series={[{ label: 'started', values: started, color: '#1f5fbf' }]} />
 * ```
 */
export function TimeSeriesChart(props: TimeSeriesChartProps): ReactNode {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const shape = props.series.map((line) => `${line.label}:${line.color}`).join('|');
  const data: uPlot.AlignedData = [
    props.times as number[],
    ...props.series.map((line) => line.values as (number | null)[]),
  ];
  const dataRef = useRef(data);
  dataRef.current = data;
  const { unit } = props;
  // The series' look is read once per shape: labels and colours do not change with the data.
  const seriesRef = useRef(props.series);
  seriesRef.current = props.series;

  useEffect(() => {
    const element = box.current;
    if (element === null) return;
    const options: uPlot.Options = {
      width: Math.max(element.clientWidth, 200),
      height: HEIGHT_PX,
      legend: { live: true },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(max, 1)] } },
      axes: [
        { stroke: '#5b6675', grid: { stroke: '#e6e9ee' } },
        {
          stroke: '#5b6675',
          grid: { stroke: '#e6e9ee' },
          size: 84,
          values: (_u, ticks) => ticks.map((tick) => `${formatNumber(tick)}${unit}`),
        },
      ],
      series: [
        {},
        ...seriesRef.current.map((line): uPlot.Series => ({
          label: line.label,
          stroke: line.color,
          width: 2,
          ...(line.dash === undefined ? {} : { dash: [...line.dash] }),
          spanGaps: false,
          ...(line.points === true ? { points: { show: true, size: 6 } } : {}),
          // uPlot passes null for a gap, whatever its types say.
          value: (_u, value: number | null) =>
            value === null ? '–' : `${formatNumber(value)}${unit}`,
        })),
      ],
    };
    const chart = new uPlot(options, dataRef.current, element);
    plot.current = chart;
    const resize = new ResizeObserver(() => {
      chart.setSize({ width: Math.max(element.clientWidth, 200), height: HEIGHT_PX });
    });
    resize.observe(element);
    return () => {
      resize.disconnect();
      chart.destroy();
      plot.current = null;
    };
  }, [shape, unit]);

  useEffect(() => {
    plot.current?.setData(data);
  });

  return (
    <figure className="chart" data-testid={`chart-${props.title}`}>
      <figcaption className="chart-title">{props.title}</figcaption>
      <div
        className="chart-plot"
        ref={box}
        role="img"
        aria-label={`${props.title}: ${props.summary}`}
      />
      <p className="chart-summary muted">{props.summary}</p>
    </figure>
  );
}
