/**
 * A deep copy of a JSON-safe value. The in-memory adapters copy what they store and what
 * they return, as a database would, so a caller mutating an object cannot change history.
 */
export function cloneJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
