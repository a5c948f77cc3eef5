/**
 * A deep copy of a JSON-safe value. The in-memory adapters copy what they store and what
 * they return, as a database would, so a caller mutating an object cannot change history.
 */
export function cloneJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/**
 * Runs `compute` now and returns its result as a promise; a throw becomes a rejection, as
 * it would from a real adapter's async method.
 */
export function promiseOf<T>(compute: () => T): Promise<T> {
  return new Promise((resolve) => {
    resolve(compute());
  });
}
