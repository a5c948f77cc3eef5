/**
 * Runs `compute` now and returns its result as a promise; a throw becomes a rejection, as
 * it would from a real adapter's async method.
 */
export function promiseOf<T>(compute: () => T): Promise<T> {
  return new Promise((resolve) => {
    resolve(compute());
  });
}
