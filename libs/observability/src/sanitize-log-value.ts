import { isSecretName, REDACTED, redactUrlCredentials } from '@sagaflow/core';

/** Deepest nesting written to a log line; deeper values become `[Truncated]`. */
const MAX_DEPTH = 8;

/** Names an error's own fields are written under, in this order, before any others. */
const ERROR_FIELDS = ['name', 'message', 'code', 'errno', 'retryable', 'stack'] as const;

/** How {@link sanitizeLogValue} recognises secrets. */
export interface SanitizeOptions {
  /** True for field names whose value must never be written. */
  readonly isSecretKey: (key: string) => boolean;
}

/** The default: {@link isSecretName} from `@sagaflow/config`. */
const defaultSanitizeOptions: SanitizeOptions = { isSecretKey: isSecretName };

/**
 * Turns any value into plain JSON-safe data for a log line: secrets under secret-looking
 * keys (any depth) become `[REDACTED]`, credentials inside URLs are removed from strings,
 * errors become `{ name, message, code, stack, cause, … }` (causes recursively), cycles
 * become `[Circular]`, and `undefined` fields are dropped.
 *
 * @example
 * ```ts
 * sanitizeLogValue({ url: 'mysql://root:pw@db', password: 'x', err: new Error('boom') });
 * // { url: 'mysql://root:[REDACTED]@db', password: '[REDACTED]', err: { name: 'Error', message: 'boom', stack: '…' } }
 * ```
 */
export function sanitizeLogValue(
  value: unknown,
  options: SanitizeOptions = defaultSanitizeOptions,
): unknown {
  return sanitize(value, options, 0, new Set());
}

function sanitize(
  value: unknown,
  options: SanitizeOptions,
  depth: number,
  ancestors: Set<object>,
): unknown {
  switch (typeof value) {
    case 'string':
      return redactUrlCredentials(value);
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'boolean':
      return value;
    case 'bigint':
      return value.toString();
    case 'undefined':
      return undefined;
    case 'symbol':
      return value.toString();
    case 'function':
      return `[function ${value.name || 'anonymous'}]`;
    case 'object':
      break;
  }
  if (value === null) return null;
  if (value instanceof Date)
    return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (ArrayBuffer.isView(value)) return `[${value.constructor.name} ${value.byteLength} bytes]`;
  if (ancestors.has(value)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[Truncated]';

  ancestors.add(value);
  try {
    if (value instanceof Error) return sanitizeError(value, options, depth, ancestors);
    if (Array.isArray(value)) {
      return value.map((item: unknown) => sanitize(item, options, depth + 1, ancestors) ?? null);
    }
    if (value instanceof Map) {
      return sanitizeEntries(
        [...value.entries()].map(([k, v]) => [String(k), v]),
        options,
        depth,
        ancestors,
      );
    }
    if (value instanceof Set) {
      return [...value].map(
        (item: unknown) => sanitize(item, options, depth + 1, ancestors) ?? null,
      );
    }
    return sanitizeEntries(Object.entries(value), options, depth, ancestors);
  } finally {
    ancestors.delete(value);
  }
}

function sanitizeEntries(
  entries: readonly (readonly [string, unknown])[],
  options: SanitizeOptions,
  depth: number,
  ancestors: Set<object>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, item] of entries) {
    const clean = options.isSecretKey(key)
      ? REDACTED
      : sanitize(item, options, depth + 1, ancestors);
    if (clean !== undefined) out[key] = clean;
  }
  return out;
}

function sanitizeError(
  error: Error,
  options: SanitizeOptions,
  depth: number,
  ancestors: Set<object>,
): Record<string, unknown> {
  const source = error as Error & Record<string, unknown>;
  const entries: [string, unknown][] = [];
  for (const field of ERROR_FIELDS) {
    if (source[field] !== undefined) entries.push([field, source[field]]);
  }
  // Own fields carry the details: SagaflowError's `context`, a driver's `sqlMessage`,
  // kafkajs's `retriable` / `broker`, AggregateError's `errors`.
  for (const [key, item] of Object.entries(source)) {
    if (!(ERROR_FIELDS as readonly string[]).includes(key) && key !== 'cause') {
      entries.push([key, item]);
    }
  }
  if (error instanceof AggregateError && !entries.some(([key]) => key === 'errors')) {
    entries.push(['errors', error.errors]);
  }
  if (error.cause !== undefined) entries.push(['cause', error.cause]);
  return sanitizeEntries(entries, options, depth, ancestors);
}
