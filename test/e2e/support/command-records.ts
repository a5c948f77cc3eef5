import { createKafka } from '@sagaflow/kafka';
import { MessageHeader } from '@sagaflow/messaging';
import { type Stack } from '@sagaflow/stack';
import { type IHeaders, logLevel } from 'kafkajs';

import { waitFor } from './wait-for';

/** A record as consumed, enough to produce it again unchanged. */
export interface ConsumedRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: IHeaders;
}

function kafkaOf(stack: Stack) {
  return createKafka({
    brokers: stack.infra.kafkaBrokers,
    clientId: `${stack.layout.topicPrefix}e2e`,
    logLevel: logLevel.NOTHING,
  });
}

/** The `sagaflow-message-id` header of a record. */
export function messageIdOf(record: ConsumedRecord): string {
  const header = record.headers[MessageHeader.MessageId];
  const value = Array.isArray(header) ? header[0] : header;
  return value === undefined ? '' : value.toString();
}

/**
 * Reads `topics` from the beginning with a consumer of its own (a group under the run's
 * topic prefix, so the stack's cleanup deletes it) until each topic has given
 * `expectedIds[topic]` distinct message ids, or fails after `timeoutMs`.
 */
export async function readFromBeginning(
  stack: Stack,
  expectedIds: Readonly<Record<string, number>>,
  timeoutMs = 30_000,
): Promise<ConsumedRecord[]> {
  const topics = Object.keys(expectedIds);
  const consumer = kafkaOf(stack).consumer({
    groupId: `${stack.layout.topicPrefix}e2e-reader-${Date.now()}`,
    maxWaitTimeInMs: 200,
  });
  const records: ConsumedRecord[] = [];
  const ids = new Map(topics.map((t) => [t, new Set<string>()]));
  await consumer.connect();
  try {
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        const record: ConsumedRecord = {
          topic,
          partition,
          offset: message.offset,
          key: message.key,
          value: message.value,
          headers: message.headers ?? {},
        };
        records.push(record);
        ids.get(topic)?.add(messageIdOf(record));
        return Promise.resolve();
      },
    });
    await waitFor(
      () =>
        Promise.resolve(
          topics.every((t) => (ids.get(t)?.size ?? 0) >= (expectedIds[t] ?? 0)) ? true : undefined,
        ),
      { timeoutMs, what: `every command record of ${topics.join(', ')}` },
      () => topics.map((t) => `${t}: ${ids.get(t)?.size ?? 0}/${expectedIds[t] ?? 0}`).join(', '),
    );
  } finally {
    await consumer.disconnect();
  }
  return records;
}

/** Produces each record again, `times` times, to its partition, with its key, value and headers. */
export async function produceAgain(
  stack: Stack,
  records: readonly ConsumedRecord[],
  times: number,
): Promise<void> {
  const producer = kafkaOf(stack).producer();
  await producer.connect();
  try {
    const byTopic = new Map<string, ConsumedRecord[]>();
    for (const record of records)
      byTopic.set(record.topic, [...(byTopic.get(record.topic) ?? []), record]);
    for (const [topic, list] of byTopic) {
      for (let copy = 0; copy < times; copy += 1) {
        await producer.send({
          topic,
          messages: list.map((r) => ({
            partition: r.partition,
            key: r.key,
            value: r.value,
            headers: r.headers,
          })),
        });
      }
    }
  } finally {
    await producer.disconnect();
  }
}
