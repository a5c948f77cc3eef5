import { purgeFinished } from './purge-finished';

/** A table holding `finished` rows older than the cut-off. */
function tableWith(finished: number) {
  let left = finished;
  const limits: number[] = [];
  return {
    limits,
    left: () => left,
    deleteBatch: (limit: number) => {
      limits.push(limit);
      const deleted = Math.min(left, limit);
      left -= deleted;
      return Promise.resolve(deleted);
    },
  };
}

describe('purgeFinished', () => {
  it('deletes in batches until a batch comes out short, and counts by table', async () => {
    const outbox = tableWith(2500);
    const eventProcess = tableWith(0);

    await expect(
      purgeFinished({ outbox: outbox.deleteBatch, event_process: eventProcess.deleteBatch }),
    ).resolves.toEqual({ outbox: 2500, event_process: 0 });
    expect(outbox.limits).toEqual([1000, 1000, 1000]);
    expect(outbox.left()).toBe(0);
    expect(eventProcess.limits).toEqual([1000]);
  });

  it('stops after a bounded number of batches per table and leaves the rest to the next run', async () => {
    const outbox = tableWith(250_000);
    const stepResult = tableWith(120_000);

    await expect(
      purgeFinished({ outbox: outbox.deleteBatch, step_result: stepResult.deleteBatch }),
    ).resolves.toEqual({ outbox: 100_000, step_result: 100_000 });
    expect(outbox.left()).toBe(150_000);
    expect(stepResult.left()).toBe(20_000);
  });

  it('purges the tables one after the other, never at once', async () => {
    const running: string[] = [];
    const order: string[] = [];
    const table = (name: string) => async () => {
      running.push(name);
      order.push(`${name}:${running.length}`);
      await new Promise((resolve) => setImmediate(resolve));
      running.splice(running.indexOf(name), 1);
      return 0;
    };

    await purgeFinished({ outbox: table('outbox'), event_process: table('event_process') });

    expect(order).toEqual(['outbox:1', 'event_process:1']);
  });
});
