import { type JsonObject, type JsonValue } from '../model/json';

/** A value checked to be JSON, or where and why it is not. */
export type JsonCheck =
  | { readonly ok: true; readonly value: JsonObject }
  | { readonly ok: false; readonly problem: string };

/**
 * Checks that `value` is a JSON object and returns a copy that survives
 * `JSON.stringify` → `JSON.parse` unchanged: properties whose value is `undefined` are
 * dropped (JSON has no `undefined`), anything else that is not JSON (a `Date`, a class
 * instance, a function, `NaN`, a bigint) is a problem naming its path. Events and states
 * are stored as JSON, so a saga must not depend on a value that would not come back.
 */
export function toJsonObject(value: unknown): JsonCheck {
  if (!isPlainObject(value))
    return { ok: false, problem: `(root) is ${kindOf(value)}, not a JSON object` };
  const problems: string[] = [];
  const copy = copyValue(value, '', problems);
  const [problem] = problems;
  return problem === undefined ? { ok: true, value: copy as JsonObject } : { ok: false, problem };
}

function copyValue(value: unknown, path: string, problems: string[]): JsonValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) problems.push(`${path || '(root)'} is ${String(value)}, not JSON`);
    return value;
  }
  if (Array.isArray(value)) {
    return value.map((item: unknown, index) => copyValue(item, `${path}[${index}]`, problems));
  }
  if (isPlainObject(value)) {
    const copy: Record<string, JsonValue> = {};
    for (const [key, item] of Object.entries(value)) {
      if (item !== undefined)
        copy[key] = copyValue(item, path === '' ? key : `${path}.${key}`, problems);
    }
    return copy;
  }
  problems.push(`${path || '(root)'} is ${kindOf(value)}, not JSON`);
  return null;
}

function isPlainObject(value: unknown): value is Readonly<Record<string, unknown>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  // `[object Date]` → `a Date`: names the kind without trusting `constructor`.
  if (typeof value === 'object') return `a ${Object.prototype.toString.call(value).slice(8, -1)}`;
  return `a ${typeof value}`;
}
