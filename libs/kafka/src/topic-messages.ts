import { type Message, type TopicMessages } from 'kafkajs';

import { type KafkaRecord } from './kafka-record';

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
