import { formatPath } from '@sagaflow/core';

/**
 * Deepest nesting of objects and arrays a message may have. Schema validation recurses, so
 * without a bound a small but deeply nested message (or a cyclic object handed to the
 * encoder) would exhaust the stack instead of being rejected.
 */
const MAX_JSON_DEPTH = 64;

/** Where the walk is: a node, its depth, and how it was reached (for the issue's path). */
interface Visit {
  readonly node: unknown;
  readonly depth: number;
  readonly key: PropertyKey;
  readonly parent: Visit | null;
}

/**
 * The structural checks a message passes before its schema, as an issue line, or null:
 * objects and arrays nest at most `maxDepth` levels (the message itself is level 1), and
 * no object has an own `__proto__` key — the schema would silently drop it (a guard
 * against prototype pollution), so it is refused rather than lost. Iterative, so it is
 * safe on any input, including cycles.
 */
export function jsonStructureIssue(
  value: unknown,
  maxDepth: number = MAX_JSON_DEPTH,
): string | null {
  const pending: Visit[] = [{ node: value, depth: 1, key: '', parent: null }];
  for (let visit = pending.pop(); visit !== undefined; visit = pending.pop()) {
    const { node, depth } = visit;
    if (typeof node !== 'object' || node === null) continue;
    if (depth > maxDepth) return `(root): nested deeper than ${maxDepth} levels`;
    if (Object.hasOwn(node, '__proto__')) {
      return `${formatPath(pathOf(visit))}: the key "__proto__" is not allowed`;
    }
    const isArray = Array.isArray(node);
    for (const [key, child] of Object.entries(node)) {
      pending.push({
        node: child,
        depth: depth + 1,
        key: isArray ? Number(key) : key,
        parent: visit,
      });
    }
  }
  return null;
}

function pathOf(visit: Visit): PropertyKey[] {
  const path: PropertyKey[] = [];
  for (let at = visit; at.parent !== null; at = at.parent) path.unshift(at.key);
  return path;
}
