import { randomInt, randomUUID } from 'node:crypto';

import { type SagaState } from '@sagaflow/core';
import type { Redis } from 'ioredis';

/** A short random suffix for the keys, ids and databases of one test run. */
export function randomSuffix(): string {
  return randomUUID().slice(0, 8);
}

/**
 * A Redis database index for tests that flush: 5–15, never 0, where the other suites
 * keep their keys.
 */
export function flushableDb(): number {
  return randomInt(5, 16);
}

/** Deletes every key under `prefix` (SCAN, never KEYS), on a client without keyPrefix. */
export async function deleteKeys(raw: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await raw.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) await raw.del(...keys);
  } while (cursor !== '0');
}

/** A well-formed saga state; the caches store it as given. */
export function sagaState(
  sagaId: string,
  version: number,
  overrides: Partial<SagaState> = {},
): SagaState {
  const at = '2030-01-01T00:00:00.000Z';
  return {
    sagaId,
    sagaType: 'place-order',
    sagaVersion: 1,
    businessKey: `${sagaId}-key`,
    status: 'RUNNING',
    input: { orderId: sagaId },
    data: { orderId: sagaId, note: 'ü 日本 "quoted"', amount: 42.5 },
    version,
    steps: {},
    activeSteps: [],
    pendingTimers: [],
    failure: null,
    startedAt: at,
    updatedAt: at,
    endedAt: null,
    ...overrides,
  };
}
