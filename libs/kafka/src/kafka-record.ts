import { type Message, type TopicMessages } from 'kafkajs';

/** A record to produce: Sagaflow keys, headers and values are text. */
export interface KafkaRecord {
  readonly topic: string;
  /** The partition key (a saga id); null for none. */
  readonly key: string | null;
  /** The value; null writes a tombstone. */
  readonly value: string | null;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * Sends records outside any transaction, idempotently (dead letters, replays).
 * `TransactionalPublisher` implements it.
 */
export interface RecordSender {
  /** Resolves when every record is acknowledged by all in-sync replicas. */
  send(records: readonly KafkaRecord[]): Promise<void>;
}

/**
 * Groups records by topic for one `sendBatch`, keeping their order: kafkajs writes the
 * messages of one partition in array order, so each key's order survives.
 */
export function toTopicMessages(records: readonly KafkaRecord[]): TopicMessages[] {
  const byTopic = new Map<string, Message[]>();
  for (const record of records) {
    let messages = byTopic.get(record.topic);
    if (messages === undefined) {
      messages = [];
      byTopic.set(record.topic, messages);
    }
    messages.push({ key: record.key, value: record.value, headers: { ...record.headers } });
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}
