import { type DecisionObservation } from '@sagaflow/core';
import { RecordingLogger } from '@sagaflow/core/testing';

import { logFirstDecisions, sinceProcessStartMs } from './startup-timeline';

const decision = (input: DecisionObservation['input'], sagaId: string): DecisionObservation =>
  ({ input, sagaId, sagaType: 'transfer' }) as DecisionObservation;

describe('logFirstDecisions', () => {
  it('logs the first decision of each input kind once, and passes every decision on', () => {
    const logger = new RecordingLogger();
    const passed: string[] = [];
    let nowMs = 1200;
    const observer = logFirstDecisions(
      {
        onDecision: (o) => passed.push(o.sagaId),
        onConflict: () => undefined,
      },
      logger,
      () => nowMs,
    );

    observer.onDecision?.(decision('start', 's-1'));
    nowMs = 9800;
    observer.onDecision?.(decision('reply', 's-1'));
    observer.onDecision?.(decision('reply', 's-2'));
    observer.onDecision?.(decision('start', 's-3'));

    expect(passed).toEqual(['s-1', 's-1', 's-2', 's-3']);
    expect(observer.onConflict).toBeDefined();
    expect(logger.lines).toEqual([
      {
        level: 'info',
        message: 'first decision',
        fields: { input: 'start', sagaType: 'transfer', sagaId: 's-1', sinceProcessStartMs: 1200 },
      },
      {
        level: 'info',
        message: 'first decision',
        fields: { input: 'reply', sagaType: 'transfer', sagaId: 's-1', sinceProcessStartMs: 9800 },
      },
    ]);
  });

  it('measures from the start of the process', () => {
    expect(sinceProcessStartMs()).toBeGreaterThan(0);
    expect(sinceProcessStartMs()).toBeLessThanOrEqual(process.uptime() * 1000 + 50);
  });
});
