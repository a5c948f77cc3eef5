import { randomBytes, randomUUID } from 'node:crypto';

import { InvalidArgumentError } from '@sagaflow/core';
import { RecordingLogger } from '@sagaflow/core/testing';
import { type Job, Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';

import { createQueueConnection } from './create-queue-connection';

const DELAY_MS = 700;

describe('BullMQ on a queue connection', () => {
  const suffix = randomUUID().slice(0, 8);
  const queueName = `sagaflow-test-delayed-${suffix}`;
  const prefix = 'sagaflow-test';
  let connection: Redis;
  let queue: Queue;
  let worker: Worker | undefined;

  beforeAll(() => {
    connection = createQueueConnection({ connectionName: `sagaflow-int-${suffix}` });
    queue = new Queue(queueName, { connection, prefix });
  });

  afterAll(async () => {
    await worker?.close();
    await queue.obliterate({ force: true });
    await queue.close();
    await connection.quit();
  });

  it('uses the options BullMQ workers need', () => {
    expect(connection.options.maxRetriesPerRequest).toBeNull();
    expect(connection.options.keyPrefix ?? '').toBe('');
  });

  it('fires a delayed job after its delay, once', async () => {
    const processed: { id: string | undefined; data: unknown }[] = [];
    const done = new Promise<Job>((resolve, reject) => {
      worker = new Worker(
        queueName,
        async (job) => {
          processed.push({ id: job.id, data: job.data });
          await Promise.resolve();
          return 'fired';
        },
        { connection, prefix, concurrency: 1 },
      );
      worker.on('completed', resolve);
      worker.on('failed', (_job, error) => {
        reject(error);
      });
      worker.on('error', reject);
    });

    // Job ids may not contain ':'; a saga/step/attempt id keeps re-scheduling idempotent.
    const job = await queue.add(
      'step-timeout',
      { sagaId: 's-1', step: 'reserve-credit', attempt: 1 },
      { jobId: `s-1-reserve-credit-1-${suffix}`, delay: DELAY_MS },
    );
    expect(await job.getState()).toBe('delayed');

    const completed = await Promise.race([
      done,
      new Promise<never>((_resolve, reject) =>
        setTimeout(() => {
          reject(new Error('the delayed job did not fire within 15 s'));
        }, 15_000).unref(),
      ),
    ]);

    const stored = await queue.getJob(job.id ?? '');
    expect(stored).toBeDefined();
    expect(await stored?.getState()).toBe('completed');
    expect(stored?.returnvalue).toBe('fired');
    expect(completed.id).toBe(job.id);
    expect(processed).toEqual([
      { id: job.id, data: { sagaId: 's-1', step: 'reserve-credit', attempt: 1 } },
    ]);
    // Not before its time: the worker picked it up at least DELAY_MS after the job's
    // timestamp (BullMQ resets the stored `delay` to 0 once the job is promoted).
    expect(job.delay).toBe(DELAY_MS);
    expect(stored?.timestamp).toBe(job.timestamp);
    expect(stored?.processedOn).toBeGreaterThanOrEqual(job.timestamp + DELAY_MS);
  }, 30_000);

  it('adding the same job id again is a no-op', async () => {
    const id = `s-2-approve-1-${suffix}`;
    const first = await queue.add('step-timeout', { n: 1 }, { jobId: id, delay: 60_000 });
    const second = await queue.add('step-timeout', { n: 2 }, { jobId: id, delay: 60_000 });
    expect(second.id).toBe(first.id);
    expect((await queue.getJob(id))?.data).toEqual({ n: 1 });
    expect(await queue.getDelayedCount()).toBe(1);
  });

  it('rejects bad options naming the field and value', () => {
    expect(() => createQueueConnection({ url: 'localhost:6379' })).toThrow(InvalidArgumentError);
    expect(() => createQueueConnection({ connectTimeoutMs: 0 })).toThrow('connectTimeoutMs=0');
  });
});

describe('a queue connection as an ACL user', () => {
  const suffix = randomUUID().slice(0, 8);
  const user = `sagaflow-test-${suffix}`;
  const password = randomBytes(12).toString('hex');
  const queueName = `sagaflow-test-acl-${suffix}`;
  const prefix = 'sagaflow-test';
  let admin: Redis;

  beforeAll(async () => {
    admin = createQueueConnection();
    await admin.call('ACL', 'SETUSER', user, 'on', `>${password}`, '~*', '&*', '+@all');
  });

  afterAll(async () => {
    await admin.call('ACL', 'DELUSER', user);
    await admin.quit();
  });

  it('authenticates with the user name and password given apart from the URL; BullMQ runs on it', async () => {
    const connection = createQueueConnection({ username: user, password });
    const queue = new Queue(queueName, { connection, prefix });
    try {
      expect(await connection.call('ACL', 'WHOAMI')).toBe(user);
      const job = await queue.add(
        'step-timeout',
        { n: 1 },
        { jobId: `acl-${suffix}`, delay: 60_000 },
      );
      expect(await (await queue.getJob(job.id ?? ''))?.getState()).toBe('delayed');
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
      await connection.quit();
    }
  });

  it('fails with WRONGPASS on a wrong password, and logs no password', async () => {
    const logger = new RecordingLogger();
    const wrong = `not-${password}`;
    const connection = createQueueConnection({ username: user, password: wrong, logger });
    try {
      await expect(connection.ping()).rejects.toThrow('WRONGPASS');
    } finally {
      connection.disconnect();
    }
    const warnings = logger.lines.filter((line) => line.message === 'queue connection error');
    expect(warnings[0]?.fields.error).toEqual({
      name: 'ReplyError',
      message: 'WRONGPASS invalid username-password pair or user is disabled.',
    });
    expect(JSON.stringify(logger.lines)).not.toContain(wrong);
  });
});
