import { type OptionCheck } from '@sagaflow/core';
import type { Redis } from 'ioredis';

/** Where a component's BullMQ queues live; every jobs options type extends it. */
export interface QueueSetup {
  /**
   * The connection from `createQueueConnection` (`maxRetriesPerRequest: null`, no ioredis
   * `keyPrefix`). Shared, not owned: close the component first, then `quit()` it.
   */
  readonly connection: Redis;
  /**
   * Start of every queue name (`<queuePrefix>timers`, `<queuePrefix>ep-<consumer>`,
   * `<queuePrefix>maintenance`). `[A-Za-z0-9._-]` only: BullMQ forbids `:` in names.
   * Give each service its own.
   * @defaultValue `'sagaflow-'`
   */
  readonly queuePrefix?: string;
  /**
   * BullMQ's Redis key prefix: keys are `<bullPrefix>:<queue name>:…`.
   * @defaultValue `'bull'`
   */
  readonly bullPrefix?: string;
}

/** {@link QueueSetup} with defaults applied. */
export interface ResolvedQueueSetup {
  readonly connection: Redis;
  readonly queuePrefix: string;
  readonly bullPrefix: string;
}

const QUEUE_PREFIX = /^[A-Za-z0-9._-]*$/;

/** Applies the defaults of {@link QueueSetup}; the checks go into the caller's `checkOptions`. */
export function resolveQueueSetup(options: QueueSetup): {
  setup: ResolvedQueueSetup;
  checks: OptionCheck[];
} {
  const queuePrefix = options.queuePrefix ?? 'sagaflow-';
  const bullPrefix = options.bullPrefix ?? 'bull';
  return {
    setup: { connection: options.connection, queuePrefix, bullPrefix },
    checks: [
      [
        'connection',
        '[connection]',
        typeof options.connection === 'object' &&
          (options.connection as Redis | null)?.options.maxRetriesPerRequest === null,
        'an ioredis connection with maxRetriesPerRequest: null (createQueueConnection)',
      ],
      ['queuePrefix', queuePrefix, QUEUE_PREFIX.test(queuePrefix), 'characters [A-Za-z0-9._-]'],
      [
        'bullPrefix',
        bullPrefix,
        bullPrefix !== '' && !/\s/.test(bullPrefix),
        'a non-empty prefix without spaces',
      ],
    ],
  };
}
