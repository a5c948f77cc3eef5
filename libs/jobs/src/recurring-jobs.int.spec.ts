import { InvalidArgumentError } from '@sagaflow/core';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

import {
  flushableDb,
  obliterate,
  randomSuffix,
  TEST_BULL_PREFIX,
  waitUntil,
} from './__fixtures__/jobs-test-support';
import { createQueueConnection } from './create-queue-connection';
import { RecurringJobs } from './recurring-jobs';

describe('RecurringJobs', () => {
  let connection: Redis;

  beforeAll(() => {
    connection = createQueueConnection();
  });

  afterAll(async () => {
    await connection.quit();
  });

  it('runs a registered task on its interval, and at once with runNow', async () => {
    const jobs = new RecurringJobs({
      connection,
      queuePrefix: `t-${randomSuffix()}-`,
      bullPrefix: TEST_BULL_PREFIX,
    });
    let runs = 0;
    jobs.register('tick', 150, () => Promise.resolve(++runs));
    try {
      await jobs.start();
      await waitUntil('three scheduled runs', () => runs >= 3);
      const before = runs;
      await expect(jobs.runNow('tick')).resolves.toBe(before + 1);
      await expect(jobs.runNow('nothing')).rejects.toThrow(InvalidArgumentError);
    } finally {
      await jobs.close();
      await obliterate(connection, [jobs.queueName]);
    }
  });

  it('removes at start the scheduler of a task the new version no longer registers', async () => {
    const queuePrefix = `t-${randomSuffix()}-`;
    const setup = { connection, queuePrefix, bullPrefix: TEST_BULL_PREFIX };
    const before = new RecurringJobs(setup)
      .register('outbox-cleanup', 60_000, () => Promise.resolve(0))
      .register('reconcile', 60_000, () => Promise.resolve(0));
    await before.start();
    await before.close();
    const after = new RecurringJobs(setup)
      .register('purge', 60_000, () => Promise.resolve(0))
      .register('reconcile', 60_000, () => Promise.resolve(0));
    const queue = new Queue(after.queueName, { connection, prefix: TEST_BULL_PREFIX });
    try {
      await after.start();
      const keys = (await queue.getJobSchedulers(0, -1)).map((s) => s.key).sort();
      expect(keys).toEqual(['purge', 'reconcile']);
    } finally {
      await after.close();
      await queue.close();
      await obliterate(connection, [after.queueName]);
    }
  });

  it('brings its schedule back after the Redis database is flushed', async () => {
    // A database of its own: FLUSHDB must not touch the other suites' keys on db 0.
    const isolated = createQueueConnection({ url: `redis://127.0.0.1:6379/${flushableDb()}` });
    const jobs = new RecurringJobs({
      connection: isolated,
      queuePrefix: `t-${randomSuffix()}-`,
      bullPrefix: TEST_BULL_PREFIX,
      reupsertIntervalMs: 100,
    });
    let runs = 0;
    jobs.register('reconcile', 200, () => {
      runs += 1;
      return Promise.resolve();
    });
    const queue = new Queue(jobs.queueName, { connection: isolated, prefix: TEST_BULL_PREFIX });
    try {
      await jobs.start();
      await waitUntil('a first run', () => runs >= 1);

      await isolated.flushdb();
      const afterFlush = runs;

      await waitUntil('two runs after the flush', () => runs >= afterFlush + 2, 10_000);
      expect(await queue.getJobScheduler('reconcile')).toMatchObject({ every: 200 });
    } finally {
      await jobs.close();
      await queue.close();
      await isolated.flushdb();
      await isolated.quit();
    }
  }, 20_000);

  it('rejects bad names, duplicates and registrations after start', async () => {
    const jobs = new RecurringJobs({
      connection,
      queuePrefix: `t-${randomSuffix()}-`,
      bullPrefix: TEST_BULL_PREFIX,
    });
    try {
      expect(() => jobs.register('a:b', 1000, () => Promise.resolve())).toThrow('invalid name');
      expect(() => jobs.register('ok', 0, () => Promise.resolve())).toThrow('invalid everyMs: 0');
      jobs.register('ok', 60_000, () => Promise.resolve());
      expect(() => jobs.register('ok', 1000, () => Promise.resolve())).toThrow(
        'registered already',
      );
      await jobs.start();
      expect(() => jobs.register('late', 1000, () => Promise.resolve())).toThrow('after start()');
      expect(() => new RecurringJobs({ connection, reupsertIntervalMs: -5 })).toThrow(
        'reupsertIntervalMs=-5',
      );
    } finally {
      await jobs.close();
      await obliterate(connection, [jobs.queueName]);
    }
  });
});
