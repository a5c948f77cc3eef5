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
