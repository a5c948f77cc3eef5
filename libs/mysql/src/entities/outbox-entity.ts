import { EntitySchema } from 'typeorm';

/** A row of `outbox`: a message waiting to be (or already) published to Kafka. */
export interface OutboxRow {
  /** BIGINT AUTO_INCREMENT, returned as a decimal string: the publication order. */
  seq: string;
  messageId: string;
  topic: string;
  messageKey: string;
  /** `outboxShardOf(messageKey)`: a relay publishes only the shards it has locked. */
  shard: number;
  /** The Kafka headers as a JSON object of strings. */
  headers: string;
  value: string;
  createdAt: Date;
  publishedAt: Date | null;
}

/** The transactional outbox. */
export const OutboxEntity = new EntitySchema<OutboxRow>({
  name: 'Outbox',
  tableName: 'outbox',
  columns: {
    seq: { type: 'bigint', primary: true, generated: 'increment' },
    messageId: { name: 'message_id', type: 'varchar', length: 255 },
    topic: { type: 'varchar', length: 249 },
    messageKey: { name: 'message_key', type: 'varchar', length: 255 },
    shard: { type: 'smallint' },
    headers: { type: 'longtext' },
    value: { type: 'longtext' },
    createdAt: { name: 'created_at', type: 'datetime', precision: 3 },
    publishedAt: { name: 'published_at', type: 'datetime', precision: 3, nullable: true },
  },
  uniques: [{ name: 'uq_outbox_message_id', columns: ['messageId'] }],
  indices: [{ name: 'ix_outbox_published_shard_seq', columns: ['publishedAt', 'shard', 'seq'] }],
});
