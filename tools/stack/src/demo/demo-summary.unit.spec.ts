import { type SagaStatus } from '@sagaflow/core';

import { type PlaceOrderOutcome } from '../checks/consistency-checks';
import { demoPassed, formatDemoSummary, summarizeDemo } from './demo-summary';
import { formatProgressLine } from './progress-reporter';

const t0 = Date.parse('2026-01-01T00:00:00.000Z');

function outcome(
  n: number,
  status: SagaStatus,
  durationMs: number | null,
  failureCode: string | null = null,
): PlaceOrderOutcome {
  return {
    sagaId: `s-${n}`,
    status,
    failureCode,
    input: { orderId: `o-${n}`, customerId: 'c', sku: 's', quantity: 1, amount: 1 },
    startedAt: new Date(t0 + n * 100),
    endedAt: durationMs === null ? null : new Date(t0 + n * 100 + durationMs),
  };
}

const ok = [{ name: 'stock adds up', ok: true, problems: [] }];

describe('summarizeDemo', () => {
  const outcomes = [
    outcome(0, 'COMPLETED', 400),
    outcome(1, 'COMPLETED', 600),
    outcome(2, 'COMPENSATED', 200, 'OUT_OF_STOCK'),
    outcome(3, 'COMPENSATED', 300, 'CREDIT_LIMIT_EXCEEDED'),
    outcome(4, 'COMPENSATED', 1_600, 'OUT_OF_STOCK'),
  ];

  it('counts outcomes and reasons, and takes latency and throughput from the sagas', () => {
    const summary = summarizeDemo(outcomes, { concurrency: 8, wallMs: 2_500, checks: ok });
    expect(summary).toMatchObject({
      sagas: 5,
      concurrency: 8,
      completed: 2,
      compensated: 3,
      compensatedBy: [
        ['OUT_OF_STOCK', 2],
        ['CREDIT_LIMIT_EXCEEDED', 1],
      ],
      parked: 0,
      running: 0,
      latency: { count: 5, p50: 400, p95: 1_600, p99: 1_600, max: 1_600, mean: 620 },
      wallMs: 2_500,
    });
    // 5 sagas from the first start (t0) to the last end (t0 + 400 + 1600 ms).
    expect(summary.sagasPerSecond).toBeCloseTo(2.5, 6);
    expect(demoPassed(summary)).toBe(true);
  });

  it('fails the run when a saga still runs or is parked, or a check failed', () => {
    const base = { concurrency: 1, wallMs: 1, checks: ok };
    expect(demoPassed(summarizeDemo([...outcomes, outcome(5, 'RUNNING', null)], base))).toBe(false);
    expect(
      demoPassed(summarizeDemo([...outcomes, outcome(5, 'COMPENSATION_FAILED', null)], base)),
    ).toBe(false);
    expect(
      demoPassed(
        summarizeDemo(outcomes, { ...base, checks: [{ name: 'x', ok: false, problems: ['y'] }] }),
      ),
    ).toBe(false);
  });

  it('has no latency and no throughput when no saga ended', () => {
    const summary = summarizeDemo([outcome(0, 'RUNNING', null)], {
      concurrency: 1,
      wallMs: 1,
      checks: [],
    });
    expect(summary.latency).toBeNull();
    expect(summary.sagasPerSecond).toBe(0);
    expect(summary.running).toBe(1);
  });
});

describe('formatDemoSummary', () => {
  it('prints the figures, the checks and what broke each failed check', () => {
    const summary = summarizeDemo(
      [outcome(0, 'COMPLETED', 250), outcome(1, 'COMPENSATED', 750, 'OUT_OF_STOCK')],
      {
        concurrency: 4,
        wallMs: 1_234,
        checks: [
          { name: 'credit adds up', ok: true, problems: [] },
          {
            name: 'stock adds up',
            ok: false,
            problems: ['SKU s has 1 reserved, completed sagas 2'],
          },
        ],
      },
    );
    const text = formatDemoSummary(summary);
    const rows = text.split('\n');
    expect(rows).toContain('│ place-order sagas                     │      2 │');
    expect(rows).toContain('│ completed                             │      1 │');
    expect(rows).toContain('│   OUT_OF_STOCK                        │      1 │');
    expect(rows).toContain('│ still running                         │      0 │');
    expect(rows).toContain('│ saga latency p50                      │ 250 ms │');
    expect(rows).toContain('│ saga latency p99                      │ 750 ms │');
    expect(rows).toContain('│ sagas per second                      │    2.4 │');
    expect(rows).toContain('│ wall time                             │  1.2 s │');
    expect(rows).toContain('│ credit adds up    │ ok     │');
    expect(rows).toContain('│ stock adds up     │ FAILED │');
    expect(text.endsWith('stock adds up:\n  - SKU s has 1 reserved, completed sagas 2')).toBe(true);
  });
});

describe('formatProgressLine', () => {
  it('says how many ended, how, how many run and the rate', () => {
    expect(
      formatProgressLine({
        total: 300,
        started: 150,
        ended: 120,
        byStatus: {
          RUNNING: 25,
          COMPENSATING: 5,
          COMPLETED: 100,
          COMPENSATED: 19,
          COMPENSATION_FAILED: 1,
        },
        elapsedMs: 10_000,
      }),
    ).toBe('sagas 120/300 ended: 100 completed, 19 compensated, 1 parked; 30 running; 12.0/s');
  });
});
