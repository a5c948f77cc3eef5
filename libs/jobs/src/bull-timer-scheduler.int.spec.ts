import { setTimeout as sleep } from 'node:timers/promises';

import { InvalidArgumentError, type SagaTimer } from '@sagaflow/core';
import { type FiredTimer, schedulerContract } from '@sagaflow/core/testing';
import type { Redis } from 'ioredis';

import {
  FatalError,
  FlakyError,
  jobCounts,
  jobState,
  obliterate,
  randomSuffix,
  TEST_BULL_PREFIX,
  waitUntil,
} from './__fixtures__/jobs-test-support';
import { BullTimerScheduler } from './bull-timer-scheduler';
import { createQueueConnection } from './create-queue-connection';
import { DeferredTimerScheduler } from './deferred-timer-scheduler';
import { TimerWorker } from './timer-worker';

const suffix = randomSuffix();
let connection: Redis;

beforeAll(() => {
  connection = createQueueConnection({ connectionName: `sagaflow-timers-test-${suffix}` });
});

afterAll(async () => {
  await connection.quit();
});

/** A scheduler and a worker on a queue of the test's own; fired timers land in `fired`. */
async function timers(
  handler: (timer: SagaTimer) => Promise<void> = () => Promise.resolve(),
  options: { attempts?: number; backoffMs?: number } = {},
) {
  const queuePrefix = `t-${randomSuffix()}-`;
  const fired: FiredTimer[] = [];
  const common = { connection, queuePrefix, bullPrefix: TEST_BULL_PREFIX };
  const scheduler = new BullTimerScheduler({ ...common, ...options });
  const worker = new TimerWorker({
    ...common,
    handler: async (timer) => {
      fired.push({ timer, firedAt: new Date() });
      await handler(timer);
    },
  });
  await worker.start();
  return {
    scheduler,
    fired,
    teardown: async () => {
      await worker.close();
      await scheduler.close();
      await obliterate(connection, [scheduler.queueName]);
    },
  };
}

schedulerContract(
  'BullTimerScheduler + TimerWorker',
  async () => {
    const { scheduler, fired, teardown } = await timers();
    return {
      scheduler,
      now: () => new Date(),
      poll: async () => {
        await sleep(20);
        return fired.splice(0);
      },
      teardown,
    };
  },
  { runId: `sch-${suffix}`, testTimeoutMs: 15_000, dueInMs: 200 },
);

/** {@link timers} behind a DeferredTimerScheduler holding new timers for `holdMs`. */
async function deferredTimers(holdMs: number) {
  const queued = await timers();
  const scheduler = new DeferredTimerScheduler({ inner: queued.scheduler, holdMs });
  return {
    scheduler,
    fired: queued.fired,
    teardown: async () => {
      // Hands what it still holds to the queue and closes it; then the queue goes.
      await scheduler.close();
      await queued.teardown();
    },
  };
}

// Timers due in 200 ms are held for 50 ms first: the contract holds across the hand-over.
schedulerContract(
  'DeferredTimerScheduler over BullTimerScheduler + TimerWorker',
  async () => {
    const { scheduler, fired, teardown } = await deferredTimers(50);
    return {
      scheduler,
      now: () => new Date(),
      poll: async () => {
        await sleep(20);
        return fired.splice(0);
      },
      teardown,
    };
  },
  { runId: `dsch-${suffix}`, testTimeoutMs: 15_000, dueInMs: 200 },
);

function timer(label: string, dueInMs: number): SagaTimer {
  return {
    timerId: `${suffix}-${label}.step.f.1.timeout`,
    sagaId: `${suffix}-${label}`,
    step: 'step',
    direction: 'forward',
    attempt: 1,
    purpose: 'timeout',
    dueAt: new Date(Date.now() + dueInMs).toISOString(),
  };
}

describe('TimerWorker', () => {
  it('retries a retryable handler failure with back-off until it succeeds', async () => {
    let calls = 0;
    const t = await timers(
      () => {
        calls += 1;
        return calls < 3 ? Promise.reject(new FlakyError('db busy')) : Promise.resolve();
      },
      { attempts: 5, backoffMs: 20 },
    );
    try {
      const flaky = timer('flaky', 0);
      await t.scheduler.schedule([flaky]);
      await waitUntil(
        'the job to complete',
        async () =>
          (await jobState(connection, t.scheduler.queueName, flaky.timerId)) === 'completed',
      );
      expect(calls).toBe(3);
      expect(t.fired.map((f) => f.timer.timerId)).toEqual(Array(3).fill(timer('flaky', 0).timerId));
    } finally {
      await t.teardown();
    }
  });

  it('does not retry a terminal failure', async () => {
    const t = await timers(() => Promise.reject(new FatalError('saga is gone')), {
      attempts: 5,
      backoffMs: 20,
    });
    try {
      const fatal = timer('fatal', 0);
      await t.scheduler.schedule([fatal]);
      // A failed timer job is removed (recovery re-arms the saga's pending timers).
      await waitUntil(
        'the job to fail and go',
        async () =>
          t.fired.length > 0 &&
          (await jobState(connection, t.scheduler.queueName, fatal.timerId)) === null,
      );
      expect(t.fired.map((f) => f.timer)).toEqual([fatal]);
    } finally {
      await t.teardown();
    }
  });
});

describe('BullTimerScheduler', () => {
  it('rejects timer ids BullMQ cannot take and schedules none of the batch', async () => {
    const t = await timers();
    try {
      const good = timer('good', 0);
      const bad = { ...timer('bad', 0), timerId: 'saga:1' };
      await expect(t.scheduler.schedule([good, bad])).rejects.toThrow(InvalidArgumentError);
      const counts = await jobCounts(connection, t.scheduler.queueName);
      expect(Object.values(counts).every((n) => n === 0)).toBe(true);
      expect(t.fired).toEqual([]);
    } finally {
      await t.teardown();
    }
  });

  it('leaves a timer whose handler is running alone when it is cancelled', async () => {
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const t = await timers(() => released);
    try {
      const running = timer('running', 0);
      await t.scheduler.schedule([running]);
      await waitUntil('the handler to start', () => t.fired.length === 1);
      await t.scheduler.cancel([running.timerId]);
      release();
      await waitUntil(
        'the job to complete',
        async () =>
          (await jobState(connection, t.scheduler.queueName, running.timerId)) === 'completed',
      );
    } finally {
      await t.teardown();
    }
  });

  it('rejects bad options naming the field and value', () => {
    expect(() => new BullTimerScheduler({ connection, queuePrefix: 'a:b' })).toThrow(
      'queuePrefix="a:b"',
    );
    expect(() => new BullTimerScheduler({ connection, attempts: 0 })).toThrow('attempts=0');
  });
});
