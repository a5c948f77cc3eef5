import fc from 'fast-check';

import { runInSagaOrder } from './saga-ordered-runs';

interface Item {
  readonly sagaId: string;
  readonly id: string;
}

/** Items named `<saga><n>`, e.g. `items('a1', 'b1', 'a2')`. */
function items(...ids: string[]): Item[] {
  return ids.map((id) => ({ sagaId: id.slice(0, 1), id }));
}

/** Lets every settled promise's continuations run (the runs below never touch timers). */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * A `run` whose calls wait until the test finishes them: `started` lists the items in the
 * order their runs began, `finish(id)` lets that run end.
 */
function controlledRuns() {
  const started: string[] = [];
  const finished: string[] = [];
  const pending = new Map<string, () => void>();
  return {
    started,
    finished,
    running: () => [...pending.keys()],
    run: (item: Item): Promise<void> => {
      started.push(item.id);
      return new Promise((resolve) => {
        pending.set(item.id, () => {
          pending.delete(item.id);
          finished.push(item.id);
          resolve();
        });
      });
    },
    finish: async (id: string) => {
      const end = pending.get(id);
      if (end === undefined) throw new Error(`${id} is not running`);
      end();
      await settle();
    },
  };
}

describe('runInSagaOrder', () => {
  it('runs the items of one saga one after the other, in the order given', async () => {
    const runs = controlledRuns();
    let done = false;
    const all = runInSagaOrder(items('a1', 'a2', 'a3'), 4, runs.run).then(() => {
      done = true;
    });
    await settle();
    expect(runs.running()).toEqual(['a1']);

    await runs.finish('a1');
    expect(runs.running()).toEqual(['a2']);
    await runs.finish('a2');
    expect(runs.running()).toEqual(['a3']);
    expect(done).toBe(false);
    await runs.finish('a3');
    await all;

    expect(done).toBe(true);
    expect(runs.started).toEqual(['a1', 'a2', 'a3']);
  });

  it('runs different sagas side by side, each in its own order', async () => {
    const runs = controlledRuns();
    const all = runInSagaOrder(items('a1', 'b1', 'a2', 'b2', 'c1'), 3, runs.run);
    await settle();
    expect(runs.running()).toEqual(['a1', 'b1', 'c1']);

    // b's next item follows b1 at once, whatever a and c are doing.
    await runs.finish('b1');
    expect(runs.running()).toEqual(['a1', 'c1', 'b2']);
    await runs.finish('c1');
    await runs.finish('b2');
    expect(runs.running()).toEqual(['a1']);
    await runs.finish('a1');
    expect(runs.running()).toEqual(['a2']);
    await runs.finish('a2');
    await all;

    expect(runs.finished).toEqual(['b1', 'c1', 'b2', 'a1', 'a2']);
  });

  it('runs at most `concurrency` sagas at once, taking the next saga as one ends', async () => {
    const runs = controlledRuns();
    const all = runInSagaOrder(items('a1', 'b1', 'c1', 'd1', 'a2', 'e1'), 2, runs.run);
    await settle();
    expect(runs.running()).toEqual(['a1', 'b1']);

    // a is not done (a2 follows a1 on the same lane): no other saga starts yet.
    await runs.finish('a1');
    expect(runs.running()).toEqual(['b1', 'a2']);
    // b is done: its lane takes the next saga in the order of first appearance.
    await runs.finish('b1');
    expect(runs.running()).toEqual(['a2', 'c1']);
    await runs.finish('a2');
    expect(runs.running()).toEqual(['c1', 'd1']);
    await runs.finish('d1');
    expect(runs.running()).toEqual(['c1', 'e1']);
    await runs.finish('e1');
    expect(runs.running()).toEqual(['c1']);
    await runs.finish('c1');
    await all;

    expect([...runs.started].sort()).toEqual(['a1', 'a2', 'b1', 'c1', 'd1', 'e1']);
  });

  it('resolves without running anything for no items', async () => {
    const run = jest.fn(() => Promise.resolve());
    await runInSagaOrder([], 8, run);
    expect(run).not.toHaveBeenCalled();
  });

  it('runs every saga at once when the concurrency exceeds their number', async () => {
    const runs = controlledRuns();
    const all = runInSagaOrder(items('a1', 'b1', 'c1'), 100, runs.run);
    await settle();
    expect(runs.running()).toEqual(['a1', 'b1', 'c1']);
    for (const id of ['c1', 'a1', 'b1']) await runs.finish(id);
    await all;
  });

  it('keeps one saga per lane with a concurrency of 1: saga after saga, in first-appearance order', async () => {
    const order: string[] = [];
    await runInSagaOrder(items('b1', 'a1', 'b2', 'c1', 'a2', 'b3'), 1, async (item) => {
      await settle();
      order.push(item.id);
    });
    expect(order).toEqual(['b1', 'b2', 'b3', 'a1', 'a2', 'c1']);
  });

  it('holds for any items, concurrency and interleaving of the runs (property)', async () => {
    const itemsArb = fc
      .array(fc.constantFrom('s1', 's2', 's3', 's4', 's5', 's6'), { maxLength: 40 })
      .map((sagaIds) => sagaIds.map((sagaId, n) => ({ sagaId, id: `${sagaId}#${n}` })));
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        itemsArb,
        fc.integer({ min: 1, max: 8 }),
        async (s, input, concurrency) => {
          const runs: string[] = [];
          const activeSagas = new Set<string>();
          let active = 0;
          let maxActive = 0;
          let overlapsInSaga = 0;
          await s.waitFor(
            runInSagaOrder(input, concurrency, async (item) => {
              if (activeSagas.has(item.sagaId)) overlapsInSaga += 1;
              activeSagas.add(item.sagaId);
              active += 1;
              maxActive = Math.max(maxActive, active);
              // The scheduler decides when this run ends, relative to every other one.
              await s.schedule(Promise.resolve(), item.id);
              runs.push(item.id);
              active -= 1;
              activeSagas.delete(item.sagaId);
            }),
          );

          // Every item ran exactly once.
          expect([...runs].sort()).toEqual(input.map((i) => i.id).sort());
          // Each saga's items ran in input order, never two at once.
          const sagas = new Set(input.map((i) => i.sagaId));
          for (const sagaId of sagas) {
            const inputOrder = input.filter((i) => i.sagaId === sagaId).map((i) => i.id);
            expect(runs.filter((id) => id.startsWith(`${sagaId}#`))).toEqual(inputOrder);
          }
          expect(overlapsInSaga).toBe(0);
          // Up to `concurrency` sagas side by side — and that many from the start.
          expect(maxActive).toBe(Math.min(concurrency, sagas.size));
        },
      ),
      { numRuns: 300 },
    );
  });
});
