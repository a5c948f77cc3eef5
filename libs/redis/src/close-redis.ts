/** The part of an ioredis client {@link closeRedis} uses. */
export interface ClosableRedis {
  readonly status: string;
  quit(): Promise<unknown>;
  disconnect(): void;
}

/**
 * Closes an ioredis client at shutdown — a cache client of {@link createRedis} or a queue
 * connection of `createQueueConnection`: `QUIT` when it is connected (replies still pending
 * arrive first), a hard disconnect when it is not, or when `QUIT` gets no answer within
 * `timeoutMs` — a queue connection (`maxRetriesPerRequest: null`) would otherwise wait for
 * an unreachable Redis forever.
 *
 * @throws the error of `QUIT`, after disconnecting.
 *
 * @example
 * ```ts
 * await closeRedis(redis, 2_000);
 * ```
 */
export async function closeRedis(client: ClosableRedis, timeoutMs: number): Promise<void> {
  if (client.status === 'end') return;
  try {
    if (client.status === 'ready') {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      });
      try {
        await Promise.race([client.quit(), timedOut]);
      } finally {
        clearTimeout(timer);
      }
    }
  } finally {
    if (client.status !== 'end') client.disconnect();
  }
}
