import { EntitySchema } from 'typeorm';

/** A row of `outbox_shard`: one lockable shard of the outbox (rows 0 … 15). */
export interface OutboxShardRow {
  shard: number;
}

/**
 * The outbox's shards. A relay locks shard rows with `FOR UPDATE SKIP LOCKED` before it
 * claims messages, so concurrent relays publish disjoint shards — and one key's messages,
 * always in one shard, are published by one relay at a time, in order.
 */
export const OutboxShardEntity = new EntitySchema<OutboxShardRow>({
  name: 'OutboxShard',
  tableName: 'outbox_shard',
  columns: {
    shard: { type: 'smallint', primary: true },
  },
});
