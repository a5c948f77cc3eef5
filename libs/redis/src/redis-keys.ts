/**
 * Key layout of the caches, below the client's ioredis `keyPrefix` and the cache's own
 * `keyPrefix`: `saga:<sagaId>` and `ep:<consumer>:<messageId>`. Message ids are envelope
 * ids (`[A-Za-z0-9._-]`), so an EventProcess key splits at its last `:`.
 */

/** The key of a saga's cached state. */
export function sagaStateKey(keyPrefix: string, sagaId: string): string {
  return `${keyPrefix}saga:${sagaId}`;
}

/** The key of an EventProcess record's cached status. */
export function eventProcessKey(keyPrefix: string, consumer: string, messageId: string): string {
  return `${keyPrefix}ep:${consumer}:${messageId}`;
}

/**
 * The consumer and message id of an EventProcess key (without the client's prefix), or
 * null when the key is not one.
 */
export function parseEventProcessKey(
  keyPrefix: string,
  key: string,
): { consumer: string; messageId: string } | null {
  const head = `${keyPrefix}ep:`;
  if (!key.startsWith(head)) return null;
  const rest = key.slice(head.length);
  const split = rest.lastIndexOf(':');
  if (split <= 0 || split === rest.length - 1) return null;
  return { consumer: rest.slice(0, split), messageId: rest.slice(split + 1) };
}

/**
 * A `SCAN MATCH` pattern for keys starting with `literalPrefix`: glob characters in the
 * prefix are escaped so they match themselves.
 */
export function scanPattern(literalPrefix: string): string {
  return `${literalPrefix.replace(/[*?[\]\\]/g, (c) => `\\${c}`)}*`;
}
