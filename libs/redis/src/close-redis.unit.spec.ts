import { type ClosableRedis, closeRedis } from './close-redis';

/** A client whose QUIT is answered after `quitMs` (never when null). */
function client(
  status: string,
  quitMs: number | null,
): ClosableRedis & { readonly closedBy: string[] } {
  const closedBy: string[] = [];
  const fake = {
    status,
    closedBy,
    quit: () =>
      new Promise<string>((resolve) => {
        if (quitMs === null) return;
        setTimeout(() => {
          fake.status = 'end';
          closedBy.push('quit');
          resolve('OK');
        }, quitMs);
      }),
    disconnect: () => {
      fake.status = 'end';
      closedBy.push('disconnect');
    },
  };
  return fake;
}

describe('closeRedis', () => {
  it('quits a connected client', async () => {
    const redis = client('ready', 1);

    await closeRedis(redis, 1000);

    expect(redis.closedBy).toEqual(['quit']);
    expect(redis.status).toBe('end');
  });

  it('drops a client whose QUIT gets no answer in time', async () => {
    const redis = client('ready', null);

    await closeRedis(redis, 20);

    expect(redis.closedBy).toEqual(['disconnect']);
    expect(redis.status).toBe('end');
  });

  it('drops a client that is not connected, and leaves a closed one alone', async () => {
    const reconnecting = client('reconnecting', 1);
    const closed = client('end', 1);

    await closeRedis(reconnecting, 1000);
    await closeRedis(closed, 1000);

    expect(reconnecting.closedBy).toEqual(['disconnect']);
    expect(closed.closedBy).toEqual([]);
  });
});
