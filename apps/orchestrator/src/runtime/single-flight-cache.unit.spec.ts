import { InvalidArgumentError } from '@sagaflow/core';

import { SingleFlightCache } from './single-flight-cache';

/** A read that resolves when told, counting its calls. */
function controlledRead<T>() {
  const pending: { resolve: (value: T) => void; reject: (error: Error) => void }[] = [];
  return {
    pending,
    read: () =>
      new Promise<T>((resolve, reject) => {
        pending.push({ resolve, reject });
      }),
  };
}

describe('SingleFlightCache', () => {
  it('shares one read among concurrent callers', async () => {
    const { pending, read } = controlledRead<number>();
    const cache = new SingleFlightCache({ read, now: () => 0 });

    const first = cache.get();
    const second = cache.get();
    pending[0]?.resolve(7);

    await expect(Promise.all([first, second])).resolves.toEqual([7, 7]);
    expect(pending).toHaveLength(1);
  });

  it('serves the value for ttlMs after the read completed, then reads again', async () => {
    let nowMs = 1000;
    let reads = 0;
    const cache = new SingleFlightCache({
      read: () => Promise.resolve(++reads),
      ttlMs: 5000,
      now: () => nowMs,
    });

    await expect(cache.get()).resolves.toBe(1);
    nowMs = 5999;
    await expect(cache.get()).resolves.toBe(1);
    nowMs = 6000;
    await expect(cache.get()).resolves.toBe(2);
    cache.invalidate();
    await expect(cache.get()).resolves.toBe(3);
  });

  it('keeps no failure: its callers get the error, the next caller reads again', async () => {
    const { pending, read } = controlledRead<string>();
    const cache = new SingleFlightCache({ read, now: () => 0 });

    const failed = cache.get();
    const sharing = cache.get();
    pending[0]?.reject(new Error('Broker not connected'));
    await expect(failed).rejects.toThrow('Broker not connected');
    await expect(sharing).rejects.toThrow('Broker not connected');

    const retried = cache.get();
    pending[1]?.resolve('ok');
    await expect(retried).resolves.toBe('ok');
  });

  it('keeps nothing with ttlMs 0, and rejects a bad ttlMs naming it', async () => {
    let reads = 0;
    const cache = new SingleFlightCache({ read: () => Promise.resolve(++reads), ttlMs: 0 });
    await cache.get();
    await expect(cache.get()).resolves.toBe(2);

    const read = () => Promise.resolve(0);
    expect(() => new SingleFlightCache({ read, ttlMs: -1 })).toThrow(InvalidArgumentError);
    expect(() => new SingleFlightCache({ read, ttlMs: 1.5 })).toThrow('ttlMs=1.5');
  });
});
