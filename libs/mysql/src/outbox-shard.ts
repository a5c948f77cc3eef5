/** How many shards the outbox has (rows 0 … 15 of `outbox_shard`). */
export const OUTBOX_SHARD_COUNT = 16;

/**
 * The outbox shard of a message key: FNV-1a (32 bit) over the key's UTF-16 code units,
 * modulo {@link OUTBOX_SHARD_COUNT}. Stable across processes and versions — changing it
 * would let two relays publish one key at once while old rows drain.
 *
 * @example
 * ```ts
 * outboxShardOf('saga-42'); // always the same number in 0 … 15
 * ```
 */
export function outboxShardOf(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i += 1) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % OUTBOX_SHARD_COUNT;
}
