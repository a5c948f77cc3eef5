import { InvalidArgumentError } from '@sagaflow/core';

/**
 * Runs `run` for every item, in order per saga and up to `concurrency` sagas at a time: the
 * items of one saga run one after the other in the order given, those of different sagas
 * run side by side. Resolves once every run has settled; `run` must not throw (a rejection
 * is its own to handle), so one item's failure never holds back the others.
 *
 * @throws InvalidArgumentError when `concurrency` is not an integer > 0.
 *
 * @example
 * ```ts
 * await runInSagaOrder(batch, 8, async (message) => { await apply(message).catch(report); });
 * ```
 */
export async function runInSagaOrder<T extends { readonly sagaId: string }>(
  items: readonly T[],
  concurrency: number,
  run: (item: T) => Promise<void>,
): Promise<void> {
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new InvalidArgumentError('concurrency', concurrency, 'must be an integer > 0');
  }
  const bySaga = new Map<string, T[]>();
  for (const item of items) {
    const queue = bySaga.get(item.sagaId);
    if (queue === undefined) bySaga.set(item.sagaId, [item]);
    else queue.push(item);
  }
  const sagas = [...bySaga.values()];
  let next = 0;
  const lane = async (): Promise<void> => {
    for (let queue = sagas[next++]; queue !== undefined; queue = sagas[next++]) {
      for (const item of queue) await run(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, sagas.length) }, lane));
}
