import { type EventProcessRecord, type SagaState, type SagaTimer } from '@sagaflow/core';
import { RecordingLogger } from '@sagaflow/core/testing';
import { type ActiveSagaQuery } from '@sagaflow/mysql';

import { recoverInFlight } from './recovery';

const NOW = new Date('2030-01-01T00:10:00.000Z');

function timer(sagaId: string, n: number): SagaTimer {
  return {
    timerId: `${sagaId}.step.f.${n}.timeout`,
    sagaId,
    step: 'step',
    direction: 'forward',
    attempt: n,
    purpose: 'timeout',
    dueAt: NOW.toISOString(),
  };
}

function saga(sagaId: string, timers: number): SagaState {
  return {
    sagaId,
    pendingTimers: Array.from({ length: timers }, (_, i) => timer(sagaId, i + 1)),
  } as unknown as SagaState;
}

function record(messageId: string): EventProcessRecord {
  return {
    consumer: 'orchestrator',
    messageId,
    sagaId: 's',
    messageType: 'reply',
    payload: '{}',
    status: 'RECEIVED',
    attempts: 0,
    lastError: null,
    createdAt: NOW.toISOString(),
    updatedAt: NOW.toISOString(),
  };
}

/** Active sagas served in pages of two, as SagaQueries would with a small limit. */
function pagedSagas(all: readonly SagaState[]) {
  return {
    listActive: (query: ActiveSagaQuery) => {
      const start = query.cursor === undefined ? 0 : Number(query.cursor);
      const end = start + 2;
      return Promise.resolve({
        items: all.slice(start, end),
        nextCursor: end < all.length ? String(end) : null,
      });
    },
  };
}

describe('recoverInFlight', () => {
  it('re-arms the pending timers of every active saga, across pages', async () => {
    const scheduled: SagaTimer[] = [];
    const sagas = [saga('a', 1), saga('b', 0), saga('c', 2), saga('d', 1), saga('e', 1)];

    const report = await recoverInFlight({
      sagas: pagedSagas(sagas),
      rearm: (state) => {
        scheduled.push(...state.pendingTimers);
        return Promise.resolve();
      },
      eventProcess: { findStale: () => Promise.resolve([]) },
      requeue: () => Promise.resolve(),
      now: NOW,
      leaseMs: 15_000,
      logger: new RecordingLogger(),
    });

    expect(report).toEqual({
      sagasRearmed: 4,
      timersRearmed: 5,
      rearmFailures: 0,
      eventProcessRequeued: 0,
    });
    expect(scheduled.map((t) => t.timerId).sort()).toEqual([
      'a.step.f.1.timeout',
      'c.step.f.1.timeout',
      'c.step.f.2.timeout',
      'd.step.f.1.timeout',
      'e.step.f.1.timeout',
    ]);
  });

  it('counts and logs a saga whose timers cannot be scheduled, and goes on', async () => {
    const logger = new RecordingLogger();

    const report = await recoverInFlight({
      sagas: pagedSagas([saga('a', 1), saga('b', 1)]),
      rearm: (state) =>
        state.sagaId === 'a' ? Promise.reject(new Error('redis down')) : Promise.resolve(),
      eventProcess: { findStale: () => Promise.resolve([]) },
      requeue: () => Promise.resolve(),
      now: NOW,
      leaseMs: 15_000,
      logger,
    });

    expect(report).toMatchObject({ sagasRearmed: 1, rearmFailures: 1 });
    const warned = logger.lines.filter((line) => line.level === 'warn');
    expect(warned.map((line) => line.fields.sagaId)).toEqual(['a']);
  });

  it('hands the records whose lease expired back to the worker pool', async () => {
    const requeued: EventProcessRecord[] = [];
    let staleBefore: Date | null = null;

    const report = await recoverInFlight({
      sagas: pagedSagas([]),
      rearm: () => Promise.resolve(),
      eventProcess: {
        findStale: (olderThan) => {
          staleBefore = olderThan;
          return Promise.resolve([record('m-1'), record('m-2')]);
        },
      },
      requeue: (records) => {
        requeued.push(...records);
        return Promise.resolve();
      },
      now: NOW,
      leaseMs: 15_000,
      logger: new RecordingLogger(),
    });

    expect(report.eventProcessRequeued).toBe(2);
    expect(requeued.map((r) => r.messageId)).toEqual(['m-1', 'm-2']);
    expect(staleBefore).toEqual(new Date('2030-01-01T00:09:45.000Z'));
  });
});
