import { type EventProcessMessage, type SagaTimer } from '@sagaflow/core';
import { InMemoryEventProcessStore, RecordingLogger } from '@sagaflow/core/testing';
import type { Redis } from 'ioredis';

import {
  flushableDb,
  randomSuffix,
  TEST_BULL_PREFIX,
  waitUntil,
} from './__fixtures__/jobs-test-support';
import { BullTimerScheduler } from './bull-timer-scheduler';
import { createQueueConnection } from './create-queue-connection';
import { EventProcessWorkerPool } from './event-process-worker-pool';
import { type LostJob } from './lost-job';
import { RecurringJobs } from './recurring-jobs';
import { TimerWorker } from './timer-worker';

const CONSUMER = 'payment-service';
// A database of its own: FLUSHDB must not touch the other suites' keys on db 0.
let connection: Redis;

beforeAll(() => {
  connection = createQueueConnection({ url: `redis://127.0.0.1:6379/${flushableDb()}` });
});

afterAll(async () => {
  await connection.flushdb();
  await connection.quit();
});

/** A promise the test resolves: holds a job active until the test has flushed Redis. */
function gate(): { readonly wait: Promise<void>; open(): void } {
  let open = (): void => undefined;
  const wait = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { wait, open };
}

/** What the logger recorded about missing job keys, by level. */
function missingKeyLines(logger: RecordingLogger) {
  const about = logger.lines.filter((line) => JSON.stringify(line).includes('Missing key'));
  return {
    errors: about.filter((line) => line.level === 'error'),
    warnings: about.filter((line) => line.level === 'warn'),
  };
}

function message(label: string): EventProcessMessage {
  return {
    consumer: CONSUMER,
    messageId: `m-${label}`,
    sagaId: `s-${label}`,
    messageType: 'ReserveCredit',
    payload: '{}',
  };
}

function timer(label: string): SagaTimer {
  return {
    timerId: `${label}.step.f.1.timeout`,
    sagaId: label,
    step: 'step',
    direction: 'forward',
    attempt: 1,
    purpose: 'timeout',
    dueAt: new Date().toISOString(),
  };
}

describe('a job lost with its Redis keys while it runs', () => {
  it('EventProcessWorkerPool: reported once at warn and counted, and the pool goes on processing', async () => {
    const logger = new RecordingLogger();
    const lost: LostJob[] = [];
    const eventProcess = new InMemoryEventProcessStore({ clock: { now: () => new Date() } });
    const held = gate();
    const started: string[] = [];
    const pool = new EventProcessWorkerPool({
      connection,
      queuePrefix: `t-${randomSuffix()}-`,
      bullPrefix: TEST_BULL_PREFIX,
      eventProcess,
      logger,
      observer: { onJobLost: (job) => lost.push(job) },
      handlers: {
        [CONSUMER]: async (record) => {
          started.push(record.messageId);
          if (record.messageId === 'm-held') await held.wait;
          await eventProcess.complete(record.consumer, record.messageId);
        },
      },
    });
    try {
      await pool.start();
      await pool.enqueue((await eventProcess.receive([message('held')])).accepted);
      await waitUntil('the held job to run', () => started.includes('m-held'));

      await connection.flushdb();
      held.open();
      await waitUntil('the lost job reported', () => lost.length > 0);

      await pool.enqueue((await eventProcess.receive([message('after')])).accepted);
      await waitUntil(
        'the record queued after the flush DONE',
        async () => (await eventProcess.get(CONSUMER, 'm-after'))?.status === 'DONE',
      );
      expect((await eventProcess.get(CONSUMER, 'm-held'))?.status).toBe('DONE');
      expect(lost).toEqual([
        {
          queue: pool.queueName(CONSUMER),
          jobId: `${CONSUMER}-m-held`,
          operation: 'moveToFinished',
        },
      ]);
      const { errors, warnings } = missingKeyLines(logger);
      expect(errors).toEqual([]);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]?.fields).toMatchObject({ jobId: `${CONSUMER}-m-held` });
      expect(logger.lines.filter((line) => line.level === 'error')).toEqual([]);
    } finally {
      held.open();
      await pool.close();
    }
  });

  it('TimerWorker: reported once at warn and counted, and later timers still fire', async () => {
    const logger = new RecordingLogger();
    const lost: LostJob[] = [];
    const held = gate();
    const fired: string[] = [];
    const queues = {
      connection,
      queuePrefix: `t-${randomSuffix()}-`,
      bullPrefix: TEST_BULL_PREFIX,
    };
    const scheduler = new BullTimerScheduler(queues);
    const worker = new TimerWorker({
      ...queues,
      logger,
      observer: { onJobLost: (job) => lost.push(job) },
      handler: async (due) => {
        fired.push(due.sagaId);
        if (due.sagaId === 'held') await held.wait;
      },
    });
    try {
      await worker.start();
      await scheduler.schedule([timer('held')]);
      await waitUntil('the held timer to fire', () => fired.includes('held'));

      await connection.flushdb();
      held.open();
      await waitUntil('the lost job reported', () => lost.length > 0);

      await scheduler.schedule([timer('after')]);
      await waitUntil('the timer scheduled after the flush to fire', () => fired.includes('after'));
      expect(lost).toEqual([
        { queue: worker.queueName, jobId: 'held.step.f.1.timeout', operation: 'moveToFinished' },
      ]);
      const { errors, warnings } = missingKeyLines(logger);
      expect(errors).toEqual([]);
      expect(warnings).toHaveLength(1);
      expect(logger.lines.filter((line) => line.level === 'error')).toEqual([]);
    } finally {
      held.open();
      await worker.close();
      await scheduler.close();
    }
  });

  it('RecurringJobs: no error-level line about the lost run, and the task runs again', async () => {
    const logger = new RecordingLogger();
    const lost: LostJob[] = [];
    const held = gate();
    let runs = 0;
    const jobs = new RecurringJobs({
      connection,
      queuePrefix: `t-${randomSuffix()}-`,
      bullPrefix: TEST_BULL_PREFIX,
      reupsertIntervalMs: 100,
      logger,
      observer: { onJobLost: (job) => lost.push(job) },
    });
    jobs.register('reconcile', 200, async () => {
      runs += 1;
      if (runs === 1) await held.wait;
    });
    try {
      await jobs.start();
      await waitUntil('the first run to start', () => runs === 1);

      await connection.flushdb();
      held.open();
      await waitUntil('two more runs after the flush', () => runs >= 3, 10_000);

      expect(lost).toHaveLength(1);
      expect(lost[0]).toMatchObject({ queue: jobs.queueName, operation: 'moveToFinished' });
      const { errors, warnings } = missingKeyLines(logger);
      expect(errors).toEqual([]);
      expect(warnings).toHaveLength(1);
      expect(logger.lines.filter((line) => line.level === 'error')).toEqual([]);
    } finally {
      held.open();
      await jobs.close();
    }
  }, 20_000);
});
