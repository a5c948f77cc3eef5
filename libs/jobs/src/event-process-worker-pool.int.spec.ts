import {
  type Clock,
  type EventProcessRef,
  type EventProcessStore,
  type EventProcessMessage,
  type EventProcessRecord,
  InvalidArgumentError,
  systemClock,
} from '@sagaflow/core';
import { InMemoryEventProcessStore, ManualClock } from '@sagaflow/core/testing';
import { Queue } from 'bullmq';
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
import { createQueueConnection } from './create-queue-connection';
import { EventProcessWorkerPool } from './event-process-worker-pool';
import {
  type EventProcessRun,
  type EventProcessWorkerPoolOptions,
} from './event-process-worker-pool-options';
import { eventProcessJobId } from './job-ids';

const CONSUMER = 'payment-service';
let connection: Redis;

beforeAll(() => {
  connection = createQueueConnection({ connectionName: `sagaflow-pool-test-${randomSuffix()}` });
});

afterAll(async () => {
  await connection.quit();
});

/**
 * A pool on queues of the test's own over an in-memory EventProcess table. The handler does what
 * `behaviour` says for each run and, on success, marks the record DONE like a real
 * handler's transaction; `calls` counts the runs per message id.
 */
async function pool(
  behaviour: (record: EventProcessRecord, run: number) => Error | null,
  options: Partial<EventProcessWorkerPoolOptions> & {
    clock?: Clock;
    /** What the pool claims from and fails in, over the test's EventProcess table. @defaultValue it */
    poolEventProcess?: (
      eventProcess: InMemoryEventProcessStore,
    ) => Pick<EventProcessStore, 'claim' | 'fail'>;
  } = {},
) {
  const { poolEventProcess, ...poolOptions } = options;
  const clock = options.clock ?? systemClock;
  const eventProcess = new InMemoryEventProcessStore({ clock });
  const calls = new Map<string, number>();
  /** What each run was told, per message id. */
  const runs = new Map<string, EventProcessRun[]>();
  const outcomes: string[] = [];
  const workers = new EventProcessWorkerPool({
    connection,
    queuePrefix: `t-${randomSuffix()}-`,
    bullPrefix: TEST_BULL_PREFIX,
    eventProcess: poolEventProcess === undefined ? eventProcess : poolEventProcess(eventProcess),
    backoffMs: 20,
    observer: {
      onProcessed: ({ outcome }) => outcomes.push(outcome),
      onFailed: ({ final }) => outcomes.push(final ? 'failed' : 'retried'),
    },
    ...poolOptions,
    handlers: {
      [CONSUMER]: async (record, run) => {
        calls.set(record.messageId, (calls.get(record.messageId) ?? 0) + 1);
        runs.set(record.messageId, [...(runs.get(record.messageId) ?? []), run]);
        const error = behaviour(record, run.attempt);
        if (error !== null) throw error;
        await eventProcess.complete(record.consumer, record.messageId);
      },
    },
  });
  await workers.start();
  const queueName = workers.queueName(CONSUMER);
  return {
    eventProcess,
    workers,
    calls,
    runs,
    outcomes,
    queueName,
    /** Receives the messages and queues the accepted ones, as the consumer's sink does. */
    receive: async (labels: readonly string[]) => {
      const { accepted } = await eventProcess.receive(labels.map(message));
      return accepted;
    },
    idle: () =>
      waitUntil('the queue to drain', async () => {
        const counts = await jobCounts(connection, queueName);
        return (counts.waiting ?? 0) + (counts.active ?? 0) + (counts.delayed ?? 0) === 0;
      }),
    status: async (label: string) =>
      (await eventProcess.get(CONSUMER, message(label).messageId))?.status,
    teardown: async () => {
      await workers.close();
      await obliterate(connection, [queueName]);
    },
  };
}

function message(label: string): EventProcessMessage {
  return {
    consumer: CONSUMER,
    messageId: `m-${label}`,
    sagaId: `s-${label}`,
    messageType: 'ReserveCredit',
    payload: JSON.stringify({ label }),
  };
}

describe('EventProcessWorkerPool', () => {
  it('processes a record once however often it is enqueued, concurrently or later', async () => {
    const p = await pool(() => null, { concurrency: 4 });
    try {
      const labels = Array.from({ length: 20 }, (_, i) => `dup-${i}`);
      const accepted = await p.receive(labels);
      await Promise.all([
        p.workers.enqueue(accepted),
        p.workers.enqueue(accepted),
        p.workers.enqueue(accepted.slice(0, 5)),
      ]);
      await waitUntil('every record DONE', async () => {
        const statuses = await Promise.all(labels.map((l) => p.status(l)));
        return statuses.every((s) => s === 'DONE');
      });
      await p.workers.enqueue(accepted);
      await p.idle();

      expect([...p.calls.values()]).toEqual(Array(20).fill(1));
      expect(p.outcomes.filter((o) => o === 'done')).toHaveLength(20);
    } finally {
      await p.teardown();
    }
  });

  it('retries a retryable failure with back-off, then succeeds', async () => {
    const p = await pool((_, run) => (run === 1 ? new FlakyError('deadlock') : null));
    try {
      await p.workers.enqueue(await p.receive(['flaky']));
      await waitUntil('the record DONE', async () => (await p.status('flaky')) === 'DONE');

      expect(p.calls.get('m-flaky')).toBe(2);
      // The retry re-claimed the record it leased on its first run (lease 60 s).
      await expect(p.eventProcess.get(CONSUMER, 'm-flaky')).resolves.toMatchObject({ attempts: 2 });
      expect(p.outcomes).toEqual(['retried', 'done']);
    } finally {
      await p.teardown();
    }
  });

  it('marks the record FAILED with the error at a terminal failure, without retrying', async () => {
    const p = await pool(() => new FatalError('payload makes no sense'));
    try {
      await p.workers.enqueue(await p.receive(['fatal']));
      const jobId = eventProcessJobId(CONSUMER, 'm-fatal');
      await waitUntil('the job to fail', async () => {
        return (await jobState(connection, p.queueName, jobId)) === 'failed';
      });

      await expect(p.eventProcess.get(CONSUMER, 'm-fatal')).resolves.toMatchObject({
        status: 'FAILED',
        attempts: 1,
        lastError: 'TEST_FATAL: payload makes no sense',
      });
      expect(p.calls.get('m-fatal')).toBe(1);
    } finally {
      await p.teardown();
    }
  });

  it('marks the record FAILED once its attempts are exhausted, telling the handler its last run', async () => {
    const p = await pool(() => new Error('ECONNRESET'), { maxAttempts: 3 });
    try {
      await p.workers.enqueue(await p.receive(['exhausted']));
      await waitUntil('the record FAILED', async () => (await p.status('exhausted')) === 'FAILED');

      expect(p.calls.get('m-exhausted')).toBe(3);
      expect(p.runs.get('m-exhausted')).toEqual([
        { attempt: 1, final: false },
        { attempt: 2, final: false },
        { attempt: 3, final: true },
      ]);
      await expect(p.eventProcess.get(CONSUMER, 'm-exhausted')).resolves.toMatchObject({
        lastError: 'Error: ECONNRESET',
      });
      expect(p.outcomes).toEqual(['retried', 'retried', 'failed']);
    } finally {
      await p.teardown();
    }
  });

  it('tells a single-attempt handler that its first run is its last', async () => {
    const p = await pool(() => null, { maxAttempts: 1 });
    try {
      await p.workers.enqueue(await p.receive(['once']));
      await waitUntil('the record DONE', async () => (await p.status('once')) === 'DONE');

      expect(p.runs.get('m-once')).toEqual([{ attempt: 1, final: true }]);
    } finally {
      await p.teardown();
    }
  });

  it('marks the record FAILED when even the last claim fails, and lets its owner answer for it', async () => {
    const answered: { message: EventProcessRef; error: string }[] = [];
    const p = await pool(() => null, {
      maxAttempts: 2,
      // The database refuses every claim (a lock wait timeout, say); failing still works.
      poolEventProcess: (eventProcess) => ({
        claim: () => Promise.reject(new Error('ER_LOCK_WAIT_TIMEOUT')),
        fail: (consumer, messageId, error) => eventProcess.fail(consumer, messageId, error),
      }),
      onClaimFailed: (message, error) => {
        answered.push({ message, error: error instanceof Error ? error.message : String(error) });
        return Promise.resolve();
      },
    });
    try {
      await p.workers.enqueue(await p.receive(['unclaimable']));
      await waitUntil(
        'the record FAILED',
        async () => (await p.status('unclaimable')) === 'FAILED',
      );
      await waitUntil('the owner to answer', () => Promise.resolve(answered.length === 1));

      await expect(p.eventProcess.get(CONSUMER, 'm-unclaimable')).resolves.toMatchObject({
        status: 'FAILED',
        lastError: 'claim failed: Error: ER_LOCK_WAIT_TIMEOUT',
      });
      expect(answered).toEqual([
        {
          message: { consumer: CONSUMER, messageId: 'm-unclaimable' },
          error: 'ER_LOCK_WAIT_TIMEOUT',
        },
      ]);
      expect(p.calls.get('m-unclaimable')).toBeUndefined();
      expect(p.outcomes).toEqual(['failed']);
    } finally {
      await p.teardown();
    }
  });

  it('leaves the record as it was when the last claim and the FAILED mark both fail', async () => {
    const answered: EventProcessRef[] = [];
    const p = await pool(() => null, {
      maxAttempts: 1,
      poolEventProcess: () => ({
        claim: () => Promise.reject(new Error('connection lost')),
        fail: () => Promise.reject(new Error('connection lost')),
      }),
      onClaimFailed: (message) => {
        answered.push(message);
        return Promise.resolve();
      },
    });
    try {
      await p.workers.enqueue(await p.receive(['lost']));
      const jobId = eventProcessJobId(CONSUMER, 'm-lost');
      await waitUntil('the job to fail', async () => {
        return (await jobState(connection, p.queueName, jobId)) === 'failed';
      });

      // Untouched, so the reconciler finds it stale and requeues it.
      expect(await p.status('lost')).toBe('RECEIVED');
      expect(answered).toEqual([]);
    } finally {
      await p.teardown();
    }
  });

  it('requeues a record failed by its claims again once it changed, and processes it', async () => {
    const clock = new ManualClock('2030-01-01T00:00:00.000Z');
    let claimsFail = true;
    const p = await pool(() => null, {
      clock,
      maxAttempts: 1,
      poolEventProcess: (eventProcess) => ({
        claim: (consumer, messageId, leaseExpiredBefore) =>
          claimsFail
            ? Promise.reject(new Error('ER_LOCK_WAIT_TIMEOUT'))
            : eventProcess.claim(consumer, messageId, leaseExpiredBefore),
        fail: (consumer, messageId, error) => eventProcess.fail(consumer, messageId, error),
      }),
    });
    try {
      await p.receive(['requeued']);
      const received = await p.eventProcess.get(CONSUMER, 'm-requeued');
      if (received === null) throw new Error('no record');
      clock.advance(1000);
      await p.workers.requeue([received]);
      await waitUntil('the record FAILED', async () => (await p.status('requeued')) === 'FAILED');
      await p.idle();

      // Retried by an operator: no claim ever succeeded, so its attempts are still 0; only
      // its updatedAt tells this requeue from the first, which BullMQ keeps as failed.
      claimsFail = false;
      const failed = await p.eventProcess.get(CONSUMER, 'm-requeued');
      expect(failed).toMatchObject({ attempts: 0, updatedAt: '2030-01-01T00:00:01.000Z' });
      await p.workers.requeue(failed === null ? [] : [failed]);
      await waitUntil('the record DONE', async () => (await p.status('requeued')) === 'DONE');

      expect(p.calls.get('m-requeued')).toBe(1);
    } finally {
      await p.teardown();
    }
  });

  it('leaves a record leased by a stuck run alone until its lease expires, then re-claims it', async () => {
    const clock = new ManualClock('2030-01-01T00:00:00.000Z');
    const p = await pool(() => null, { clock, leaseMs: 30_000 });
    try {
      const [stuck] = await p.receive(['stuck']);
      // Another worker claimed it and died before finishing.
      await p.eventProcess.claim(CONSUMER, 'm-stuck', clock.now());
      await p.workers.enqueue(stuck === undefined ? [] : [stuck]);
      await waitUntil('the job to end', async () => {
        const state = await jobState(
          connection,
          p.queueName,
          eventProcessJobId(CONSUMER, 'm-stuck'),
        );
        return state === 'completed';
      });
      expect(p.outcomes).toEqual(['skipped']);
      expect(await p.status('stuck')).toBe('PROCESSING');

      clock.advance(30_001);
      // What the reconciler does with stale records.
      await p.workers.requeue(await p.eventProcess.findStale(clock.now(), 10));
      await waitUntil('the record DONE', async () => (await p.status('stuck')) === 'DONE');

      expect(p.calls.get('m-stuck')).toBe(1);
      await expect(p.eventProcess.get(CONSUMER, 'm-stuck')).resolves.toMatchObject({ attempts: 2 });
    } finally {
      await p.teardown();
    }
  });

  it('rejects a consumer without a handler and bad options', async () => {
    const p = await pool(() => null);
    try {
      await expect(p.workers.enqueue([{ consumer: 'nobody', messageId: 'm-1' }])).rejects.toThrow(
        InvalidArgumentError,
      );
      expect(
        () =>
          new EventProcessWorkerPool({
            connection,
            eventProcess: p.eventProcess,
            handlers: { 'bad:name': () => Promise.resolve() },
          }),
      ).toThrow('handlers=["bad:name"]');
      expect(
        () =>
          new EventProcessWorkerPool({
            connection,
            eventProcess: p.eventProcess,
            handlers: { ok: () => Promise.resolve() },
            leaseMs: 0,
          }),
      ).toThrow('leaseMs=0');
    } finally {
      await p.teardown();
    }
  });
});

describe('EventProcessWorkerPool.process', () => {
  /** Three messages for each of three sagas, interleaved as a Kafka batch would bring them. */
  function batch(): EventProcessMessage[] {
    return [1, 2, 3].flatMap((n) =>
      ['a', 'b', 'c'].map((saga) => ({ ...message(`${saga}${n}`), sagaId: `s-${saga}` })),
    );
  }

  it('runs new records at once, in order per saga and up to `concurrency` at a time, without queueing them', async () => {
    /** Handler runs in the order they began, and those not yet through `afterHandled`. */
    const started: string[] = [];
    const running = new Set<string>();
    const bySaga = new Map<string, number>();
    let maxRunning = 0;
    let maxInOneSaga = 0;
    const handled: EventProcessRecord[] = [];
    const p = await pool(
      (record) => {
        started.push(record.messageId);
        running.add(record.messageId);
        maxRunning = Math.max(maxRunning, running.size);
        bySaga.set(record.sagaId, (bySaga.get(record.sagaId) ?? 0) + 1);
        maxInOneSaga = Math.max(maxInOneSaga, bySaga.get(record.sagaId) ?? 0);
        return null;
      },
      {
        concurrency: 2,
        afterHandled: (record) => {
          handled.push(record);
          running.delete(record.messageId);
          bySaga.set(record.sagaId, (bySaga.get(record.sagaId) ?? 0) - 1);
          return Promise.resolve();
        },
      },
    );
    try {
      const messages = batch();
      const { accepted } = await p.eventProcess.receive(messages);
      await p.workers.process(accepted);

      // Done when `process` resolves: no waiting for a worker.
      const records = await Promise.all(
        messages.map((m) => p.eventProcess.get(CONSUMER, m.messageId)),
      );
      // DONE by the handler, never claimed: marking DONE counts the in-process run.
      expect(records.map((r) => [r?.status, r?.attempts])).toEqual(Array(9).fill(['DONE', 1]));
      expect([...p.calls.values()]).toEqual(Array(9).fill(1));
      for (const saga of ['s-a', 's-b', 's-c']) {
        expect(
          started.filter((id) => messages.find((m) => m.messageId === id)?.sagaId === saga),
        ).toEqual(messages.filter((m) => m.sagaId === saga).map((m) => m.messageId));
      }
      expect(maxInOneSaga).toBe(1);
      expect(maxRunning).toBe(2);
      expect(p.runs.get('m-a1')).toEqual([{ attempt: 1, final: false }]);
      expect(handled.map((r) => r.messageId).sort()).toEqual(
        messages.map((m) => m.messageId).sort(),
      );
      expect(p.outcomes).toEqual(Array(9).fill('done'));
      // Nothing went through BullMQ.
      expect(await jobCounts(connection, p.queueName)).toMatchObject({
        waiting: 0,
        active: 0,
        delayed: 0,
        completed: 0,
        failed: 0,
      });
    } finally {
      await p.teardown();
    }
  });

  it('hands a record whose first run failed retryably to the worker, which claims and retries it to DONE', async () => {
    let failures = 0;
    const p = await pool((record) => {
      if (record.messageId !== 'm-flaky' || failures > 0) return null;
      failures += 1;
      return new FlakyError('deadlock');
    });
    try {
      await p.workers.process(await p.receive(['flaky', 'fine']));

      // The healthy one is done in-process; the failed one is left to the queue.
      expect(await p.status('fine')).toBe('DONE');
      const jobId = eventProcessJobId(CONSUMER, 'm-flaky');
      await waitUntil('the retry job to complete', async () => {
        return (await jobState(connection, p.queueName, jobId)) === 'completed';
      });

      await expect(p.eventProcess.get(CONSUMER, 'm-flaky')).resolves.toMatchObject({
        status: 'DONE',
        // The failed in-process run was recorded by a claim, the job claimed it again.
        attempts: 2,
      });
      expect(p.calls.get('m-flaky')).toBe(2);
      expect(p.calls.get('m-fine')).toBe(1);
      // The in-process run is the first; the second is the job's.
      expect(p.runs.get('m-flaky')).toEqual([
        { attempt: 1, final: false },
        { attempt: 2, final: false },
      ]);
      expect(p.outcomes.filter((o) => o !== 'done')).toEqual(['retried']);
      expect(p.outcomes.filter((o) => o === 'done')).toHaveLength(2);
      // Only the failed record went through BullMQ.
      expect(await jobState(connection, p.queueName, eventProcessJobId(CONSUMER, 'm-fine'))).toBe(
        null,
      );
    } finally {
      await p.teardown();
    }
  });

  it('marks a record FAILED at a terminal failure of its first run, without queueing a retry', async () => {
    const handled: string[] = [];
    const p = await pool(
      (record) =>
        record.messageId === 'm-fatal' ? new FatalError('payload makes no sense') : null,
      {
        afterHandled: (record) => {
          handled.push(record.messageId);
          return Promise.resolve();
        },
      },
    );
    try {
      await p.workers.process(await p.receive(['fatal', 'fine']));

      await expect(p.eventProcess.get(CONSUMER, 'm-fatal')).resolves.toMatchObject({
        status: 'FAILED',
        attempts: 1,
        lastError: 'TEST_FATAL: payload makes no sense',
      });
      expect(await p.status('fine')).toBe('DONE');
      expect(p.calls.get('m-fatal')).toBe(1);
      expect(handled).toEqual(['m-fine']);
      expect([...p.outcomes].sort()).toEqual(['done', 'failed']);
      // No job: nothing will ever run it again.
      expect(await jobState(connection, p.queueName, eventProcessJobId(CONSUMER, 'm-fatal'))).toBe(
        null,
      );
      expect(await jobCounts(connection, p.queueName)).toMatchObject({
        waiting: 0,
        active: 0,
        delayed: 0,
      });
    } finally {
      await p.teardown();
    }
  });

  it('rejects a batch with a consumer without a handler, running none of it', async () => {
    const p = await pool(() => null);
    try {
      const accepted = await p.receive(['kept']);
      await expect(
        p.workers.process([...accepted, { ...message('stray'), consumer: 'nobody' }]),
      ).rejects.toThrow(InvalidArgumentError);
      expect(p.calls.size).toBe(0);
      expect(await p.status('kept')).toBe('RECEIVED');
    } finally {
      await p.teardown();
    }
  });
});

describe('EventProcessWorkerPool.retryFailed', () => {
  /** Every claim through the pool: the message, the attempts it left, handler runs before it. */
  type Claim = [messageId: string, attempts: number | null, runsBefore: number];

  /** A pool whose handler succeeds, logging each claim it makes. */
  async function claimLoggingPool(options: Partial<EventProcessWorkerPoolOptions> = {}) {
    const claims: Claim[] = [];
    let calls = new Map<string, number>();
    const p = await pool(() => null, {
      ...options,
      poolEventProcess: (eventProcess) => ({
        claim: async (consumer, messageId, leaseExpiredBefore) => {
          const claimed = await eventProcess.claim(consumer, messageId, leaseExpiredBefore);
          claims.push([messageId, claimed?.attempts ?? null, calls.get(messageId) ?? 0]);
          return claimed;
        },
        fail: (consumer, messageId, error) => eventProcess.fail(consumer, messageId, error),
      }),
    });
    calls = p.calls;
    return { ...p, claims };
  }

  async function job(queueName: string, messageId: string) {
    const queue = new Queue(queueName, { connection, prefix: TEST_BULL_PREFIX });
    try {
      const found = await queue.getJob(eventProcessJobId(CONSUMER, messageId));
      return found === undefined
        ? null
        : {
            state: await found.getState(),
            data: found.data as unknown,
            attempts: found.opts.attempts,
            delay: found.opts.delay,
          };
    } finally {
      await queue.close();
    }
  }

  it('claims a retryable failure as its first attempt and retries it, with the held-back message of its saga, after the back-off', async () => {
    const p = await claimLoggingPool();
    try {
      const [failed, held, other] = await p.eventProcess
        .receive([
          { ...message('flaky'), sagaId: 's-1' },
          { ...message('held'), sagaId: 's-1' },
          message('other'),
        ])
        .then((r) => r.accepted);
      if (failed === undefined || held === undefined || other === undefined) {
        throw new Error('not received');
      }

      await p.workers.retryFailed([{ message: failed, error: new FlakyError('deadlock') }], [held]);

      await waitUntil('both records DONE', async () => {
        return (await p.status('flaky')) === 'DONE' && (await p.status('held')) === 'DONE';
      });
      await p.idle();

      // The failed run was recorded by a claim before any run here; the job took its lease
      // back. The held-back message was claimed by its job alone.
      expect(p.claims.filter(([id]) => id === 'm-flaky')).toEqual([
        ['m-flaky', 1, 0],
        ['m-flaky', 2, 0],
      ]);
      expect(p.claims.filter(([id]) => id === 'm-held')).toEqual([['m-held', 1, 0]]);
      await expect(p.eventProcess.get(CONSUMER, 'm-flaky')).resolves.toMatchObject({
        status: 'DONE',
        attempts: 2,
      });
      await expect(p.eventProcess.get(CONSUMER, 'm-held')).resolves.toMatchObject({
        status: 'DONE',
        attempts: 1,
      });
      // The batch's run was the first: the job's run is the second, of 5.
      expect(p.runs.get('m-flaky')).toEqual([{ attempt: 2, final: false }]);
      expect(p.runs.get('m-held')).toEqual([{ attempt: 1, final: false }]);
      expect(await job(p.queueName, 'm-flaky')).toMatchObject({
        state: 'completed',
        data: { consumer: CONSUMER, messageId: 'm-flaky', ranInProcess: true },
        // Due after the back-off (the pool's 20 ms), with one attempt fewer left.
        delay: 20,
        attempts: 4,
      });
      const heldJob = await job(p.queueName, 'm-held');
      expect(heldJob).toMatchObject({ state: 'completed', delay: 20, attempts: 5 });
      expect(heldJob?.data).toEqual({ consumer: CONSUMER, messageId: 'm-held' });
      expect(p.outcomes).toEqual(['retried', 'done', 'done']);
      // Not handed over: untouched.
      expect(await p.status('other')).toBe('RECEIVED');
      expect(p.calls.get('m-other')).toBeUndefined();
    } finally {
      await p.teardown();
    }
  });

  it('marks a terminal failure FAILED as its first attempt, queueing no job', async () => {
    const p = await claimLoggingPool();
    try {
      const [failed] = await p.receive(['fatal']);
      if (failed === undefined) throw new Error('not received');

      await p.workers.retryFailed([
        { message: failed, error: new FatalError('payload makes no sense') },
      ]);

      await expect(p.eventProcess.get(CONSUMER, 'm-fatal')).resolves.toMatchObject({
        status: 'FAILED',
        attempts: 1,
        lastError: 'TEST_FATAL: payload makes no sense',
      });
      expect(await job(p.queueName, 'm-fatal')).toBeNull();
      expect(await jobCounts(connection, p.queueName)).toMatchObject({
        waiting: 0,
        active: 0,
        delayed: 0,
      });
      expect(p.calls.size).toBe(0);
      expect(p.outcomes).toEqual(['failed']);
    } finally {
      await p.teardown();
    }
  });

  it('marks a retryable failure FAILED at once when a record has a single attempt', async () => {
    const p = await claimLoggingPool({ maxAttempts: 1 });
    try {
      const [failed] = await p.receive(['once']);
      if (failed === undefined) throw new Error('not received');

      await p.workers.retryFailed([{ message: failed, error: new Error('ECONNRESET') }]);

      await expect(p.eventProcess.get(CONSUMER, 'm-once')).resolves.toMatchObject({
        status: 'FAILED',
        attempts: 1,
        lastError: 'Error: ECONNRESET',
      });
      expect(await job(p.queueName, 'm-once')).toBeNull();
      expect(p.calls.size).toBe(0);
      expect(p.outcomes).toEqual(['failed']);
    } finally {
      await p.teardown();
    }
  });

  it('leaves a failure another run settled meanwhile to it', async () => {
    const p = await claimLoggingPool();
    try {
      const [failed] = await p.receive(['settled']);
      if (failed === undefined) throw new Error('not received');
      await p.eventProcess.complete(CONSUMER, 'm-settled');

      await p.workers.retryFailed([{ message: failed, error: new FlakyError('deadlock') }]);

      expect(p.claims).toEqual([['m-settled', null, 0]]);
      expect(await job(p.queueName, 'm-settled')).toBeNull();
      expect(await p.status('settled')).toBe('DONE');
    } finally {
      await p.teardown();
    }
  });

  it('rejects a consumer without a handler, doing nothing', async () => {
    const p = await claimLoggingPool();
    try {
      const [failed] = await p.receive(['kept']);
      if (failed === undefined) throw new Error('not received');

      await expect(
        p.workers.retryFailed(
          [{ message: failed, error: new FlakyError('deadlock') }],
          [{ ...message('stray'), consumer: 'nobody' }],
        ),
      ).rejects.toThrow(InvalidArgumentError);

      expect(p.claims).toEqual([]);
      expect(await p.status('kept')).toBe('RECEIVED');
      expect(await job(p.queueName, 'm-kept')).toBeNull();
    } finally {
      await p.teardown();
    }
  });
});
