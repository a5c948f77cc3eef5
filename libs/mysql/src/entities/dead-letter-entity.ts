import { EntitySchema } from 'typeorm';

/** A row of `dead_letter`: a message a consumer could not process, with the reason. */
export interface DeadLetterRow {
  /** BIGINT AUTO_INCREMENT, returned as a decimal string. */
  id: string;
  consumer: string;
  topic: string;
  kafkaPartition: number;
  /** Decimal string: Kafka offsets exceed 2^53. */
  kafkaOffset: string;
  messageKey: string | null;
  /** The Kafka headers as a JSON object of strings. */
  headers: string;
  value: string | null;
  valueTruncated: boolean;
  reasonCode: string;
  reasonMessage: string;
  messageId: string | null;
  sagaId: string | null;
  failedAt: Date;
  createdAt: Date;
  replayedAt: Date | null;
  replayedBy: string | null;
  /** Why the last replay was made. */
  replayReason: string | null;
}

/** The dead-letter table; one row per `(consumer, topic, partition, offset)`. */
export const DeadLetterEntity = new EntitySchema<DeadLetterRow>({
  name: 'DeadLetter',
  tableName: 'dead_letter',
  columns: {
    id: { type: 'bigint', primary: true, generated: 'increment' },
    consumer: { type: 'varchar', length: 128 },
    topic: { type: 'varchar', length: 249 },
    kafkaPartition: { name: 'kafka_partition', type: 'int' },
    kafkaOffset: { name: 'kafka_offset', type: 'varchar', length: 32 },
    messageKey: { name: 'message_key', type: 'text', nullable: true },
    headers: { type: 'longtext' },
    value: { type: 'longtext', nullable: true },
    valueTruncated: { name: 'value_truncated', type: 'boolean' },
    reasonCode: { name: 'reason_code', type: 'varchar', length: 64 },
    reasonMessage: { name: 'reason_message', type: 'text' },
    messageId: { name: 'message_id', type: 'varchar', length: 255, nullable: true },
    sagaId: { name: 'saga_id', type: 'varchar', length: 255, nullable: true },
    failedAt: { name: 'failed_at', type: 'datetime', precision: 3 },
    createdAt: { name: 'created_at', type: 'datetime', precision: 3 },
    replayedAt: { name: 'replayed_at', type: 'datetime', precision: 3, nullable: true },
    replayedBy: { name: 'replayed_by', type: 'varchar', length: 128, nullable: true },
    replayReason: { name: 'replay_reason', type: 'text', nullable: true },
  },
  uniques: [
    {
      name: 'uq_dead_letter_source',
      columns: ['consumer', 'topic', 'kafkaPartition', 'kafkaOffset'],
    },
  ],
  indices: [
    { name: 'ix_dead_letter_created', columns: ['createdAt'] },
    { name: 'ix_dead_letter_saga', columns: ['sagaId', 'id'] },
  ],
});
