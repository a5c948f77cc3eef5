import { SagaStatus } from '@sagaflow/core';

import { type ConsistencyCheck, type PlaceOrderOutcome } from '../checks/consistency-checks';
import { formatTable } from '../format-table';
import { type LatencySummary, summarizeLatencies } from '../percentiles';

/** The figures the demo prints at the end of a run. */
export interface DemoSummary {
  readonly sagas: number;
  readonly concurrency: number;
  readonly completed: number;
  readonly compensated: number;
  /** Compensated sagas by the reason code of the failure that made them compensate, most first. */
  readonly compensatedBy: readonly (readonly [code: string, count: number])[];
  /** Parked in COMPENSATION_FAILED, for an operator. */
  readonly parked: number;
  /** RUNNING or COMPENSATING. */
  readonly running: number;
  /** Durations (`ended_at − started_at`) of the ended sagas. */
  readonly latency: LatencySummary | null;
  /** Ended sagas per second, from the first start to the last end. */
  readonly sagasPerSecond: number;
  /** From the first request to the last saga's end, as the driver saw it. */
  readonly wallMs: number;
  readonly checks: readonly ConsistencyCheck[];
}

/**
 * Counts a run's outcomes and works out its latency percentiles and throughput from the
 * sagas' own timestamps. Pure.
 *
 * @example
 * ```ts
 * const summary = summarizeDemo(outcomes, { concurrency: 16, wallMs: 9_500, checks });
 * ```
 */
export function summarizeDemo(
  outcomes: readonly PlaceOrderOutcome[],
  run: {
    readonly concurrency: number;
    readonly wallMs: number;
    readonly checks: readonly ConsistencyCheck[];
  },
): DemoSummary {
  const count = (status: SagaStatus) => outcomes.filter((o) => o.status === status).length;
  const reasons = new Map<string, number>();
  for (const outcome of outcomes) {
    if (outcome.status !== SagaStatus.Compensated) continue;
    const code = outcome.failureCode ?? 'UNKNOWN';
    reasons.set(code, (reasons.get(code) ?? 0) + 1);
  }
  const ended = outcomes.filter(
    (o): o is PlaceOrderOutcome & { endedAt: Date } =>
      o.endedAt !== null &&
      (o.status === SagaStatus.Completed || o.status === SagaStatus.Compensated),
  );
  const firstStart = Math.min(...outcomes.map((o) => o.startedAt.getTime()));
  const lastEnd = Math.max(...ended.map((o) => o.endedAt.getTime()));
  const spanMs = lastEnd - firstStart;
  return {
    sagas: outcomes.length,
    concurrency: run.concurrency,
    completed: count(SagaStatus.Completed),
    compensated: count(SagaStatus.Compensated),
    compensatedBy: [...reasons].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])),
    parked: count(SagaStatus.CompensationFailed),
    running: count(SagaStatus.Running) + count(SagaStatus.Compensating),
    latency: summarizeLatencies(ended.map((o) => o.endedAt.getTime() - o.startedAt.getTime())),
    sagasPerSecond: ended.length > 0 && spanMs > 0 ? ended.length / (spanMs / 1000) : 0,
    wallMs: run.wallMs,
    checks: run.checks,
  };
}

/** True when every saga ended, none is parked and every consistency check passed. */
export function demoPassed(summary: DemoSummary): boolean {
  return summary.running === 0 && summary.parked === 0 && summary.checks.every((c) => c.ok);
}

/**
 * The summary as the demo prints it: outcomes and performance in one table, the consistency
 * checks in another, then what broke each failed check.
 *
 * @example
 * ```ts
 * process.stdout.write(`${formatDemoSummary(summary)}\n`);
 * ```
 */
export function formatDemoSummary(summary: DemoSummary): string {
  const ms = (value: number) => `${Math.round(value)} ms`;
  const latency = summary.latency;
  const figures = formatTable({
    header: ['place-order sagas', String(summary.sagas)],
    align: ['left', 'right'],
    rows: [
      ['completed', String(summary.completed)],
      ['compensated', String(summary.compensated)],
      ...summary.compensatedBy.map(([code, n]) => [`  ${code}`, String(n)]),
      ['failed (parked for an operator)', String(summary.parked)],
      ['still running', String(summary.running)],
      null,
      ['saga latency p50', latency === null ? '–' : ms(latency.p50)],
      ['saga latency p95', latency === null ? '–' : ms(latency.p95)],
      ['saga latency p99', latency === null ? '–' : ms(latency.p99)],
      ['saga latency max', latency === null ? '–' : ms(latency.max)],
      ['sagas per second', summary.sagasPerSecond.toFixed(1)],
      ['concurrency (sagas in flight at most)', String(summary.concurrency)],
      ['wall time', `${(summary.wallMs / 1000).toFixed(1)} s`],
    ],
  });
  const checks = formatTable({
    header: ['consistency check', 'result'],
    rows: summary.checks.map((c) => [c.name, c.ok ? 'ok' : 'FAILED']),
  });
  const problems = summary.checks
    .filter((c) => !c.ok)
    .map((c) => [`${c.name}:`, ...c.problems.map((p) => `  - ${p}`)].join('\n'));
  return [figures, checks, ...problems].join('\n\n');
}
