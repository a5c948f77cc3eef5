/**
 * Runs async operations one at a time, in call order. A kafkajs transactional producer has
 * at most one open transaction, and a relay must never publish two batches at once: both
 * queue their work here instead of relying on callers to not overlap.
 */
export class SerialQueue {
  #tail: Promise<unknown> = Promise.resolve();

  /** Runs `operation` after every operation queued before it has settled. */
  run<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(operation, operation);
    // The queue only orders work; each caller handles its own result through `result`.
    this.#tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}
