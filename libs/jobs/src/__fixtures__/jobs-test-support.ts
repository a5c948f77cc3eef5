import { randomInt, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

import { SagaflowError } from '@sagaflow/core';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

/** A retryable failure of a test handler. */
export class FlakyError extends SagaflowError {
  readonly code = 'TEST_FLAKY';
  readonly retryable = true;
}

/** A terminal failure of a test handler. */
export class FatalError extends SagaflowError {
  readonly code = 'TEST_FATAL';
  readonly retryable = false;
}

/** BullMQ key prefix of every test queue. */
export const TEST_BULL_PREFIX = 'sagaflow-test';

/** A short random suffix for the queues and ids of one test. */
export function randomSuffix(): string {
  return randomUUID().slice(0, 8);
}

/** A Redis database index for tests that flush: 5–15, never 0, where the other suites live. */
export function flushableDb(): number {
  return randomInt(5, 16);
}

/** Removes the named queues with all their jobs and schedulers. */
export async function obliterate(connection: Redis, names: readonly string[]): Promise<void> {
  for (const name of names) {
    const queue = new Queue(name, { connection, prefix: TEST_BULL_PREFIX });
    await queue.obliterate({ force: true });
    await queue.close();
  }
}

/** A job's state, or null when the queue no longer has it. */
export async function jobState(
  connection: Redis,
  queueName: string,
  jobId: string,
): Promise<string | null> {
  const queue = new Queue(queueName, { connection, prefix: TEST_BULL_PREFIX });
  try {
    const job = await queue.getJob(jobId);
    return job === undefined ? null : await job.getState();
  } finally {
    await queue.close();
  }
}

/** How many jobs the queue holds in each state. */
export async function jobCounts(
  connection: Redis,
  queueName: string,
): Promise<Record<string, number>> {
  const queue = new Queue(queueName, { connection, prefix: TEST_BULL_PREFIX });
  try {
    return await queue.getJobCounts();
  } finally {
    await queue.close();
  }
}

/** Polls `probe` every few ms until it returns true; fails after `timeoutMs`. */
export async function waitUntil(
  what: string,
  probe: () => Promise<boolean> | boolean,
  timeoutMs = 4000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}
