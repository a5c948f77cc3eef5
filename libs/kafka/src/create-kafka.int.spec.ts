import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';

import { createLogger, kafkaLogCreator } from '@sagaflow/observability';
import {
  type Admin,
  type Consumer,
  type EachMessagePayload,
  type Kafka,
  Partitioners,
  type Producer,
} from 'kafkajs';

import { createKafka } from './create-kafka';
import { ensureTopics } from './ensure-topics';

const BROKERS = ['127.0.0.1:9092'];
const suffix = randomUUID().slice(0, 8);
/** Per test: group joins and transactions take seconds on a loaded 2-core machine. */
const TEST_TIMEOUT_MS = 60_000;
/**
 * Longest fetch long-poll. `disconnect()` waits for the fetch in flight, so kafkajs's 5 s
 * default would add up to 5 s to every consumer stop.
 */
const FETCH_WAIT_MS = 250;

/** kafkajs warnings and errors of this suite, kept in memory (printed only if a test fails). */
const kafkaLog: string[] = [];
const logger = createLogger({
  service: 'kafka-int-test',
  level: 'warn',
  destination: new Writable({
    write(chunk: Buffer, _encoding, callback) {
      kafkaLog.push(chunk.toString('utf8'));
      callback();
    },
  }),
});

async function eventually(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${kafkaLog.join('')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('kafkajs against the local broker', () => {
  let kafka: Kafka;
  let admin: Admin;
  const topics: string[] = [];
  const groups: string[] = [];
  const clients: (Producer | Consumer)[] = [];

  const topic = (name: string): string => {
    const t = `sagaflow-test.${name}.${suffix}`;
    topics.push(t);
    return t;
  };
  const group = (name: string): string => {
    const g = `sagaflow-test-${name}-${suffix}`;
    groups.push(g);
    return g;
  };
  const track = <C extends Producer | Consumer>(client: C): C => {
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    kafka = createKafka({
      brokers: BROKERS,
      clientId: `sagaflow-int-${suffix}`,
      logCreator: kafkaLogCreator(logger),
    });
    admin = kafka.admin();
    await admin.connect();
  });

  afterAll(async () => {
    await Promise.allSettled(clients.map((c) => c.disconnect()));
    if (groups.length > 0) await admin.deleteGroups(groups);
    if (topics.length > 0) await admin.deleteTopics({ topics });
    await admin.disconnect();
  }, TEST_TIMEOUT_MS);

  it(
    'an idempotent producer sends and a consumer reads every message, in order per key',
    async () => {
      const t = topic('idempotent');
      await ensureTopics(admin, [t], { partitions: 3 });
      const producer = track(
        kafka.producer({
          idempotent: true,
          maxInFlightRequests: 1,
          createPartitioner: Partitioners.DefaultPartitioner,
        }),
      );
      await producer.connect();
      const sent = Array.from({ length: 30 }, (_, i) => ({
        key: `saga-${i % 3}`,
        value: `m-${i}`,
      }));
      await producer.send({ topic: t, acks: -1, messages: sent });

      const received: { key: string; value: string; partition: number }[] = [];
      const consumer = track(
        kafka.consumer({ groupId: group('idempotent'), maxWaitTimeInMs: FETCH_WAIT_MS }),
      );
      await consumer.connect();
      await consumer.subscribe({ topic: t, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message, partition }: EachMessagePayload) => {
          received.push({
            key: message.key?.toString() ?? '',
            value: message.value?.toString() ?? '',
            partition,
          });
          await Promise.resolve();
        },
      });
      await eventually(() => received.length >= sent.length, '30 messages');
      await consumer.disconnect();

      expect(received).toHaveLength(sent.length);
      for (const key of ['saga-0', 'saga-1', 'saga-2']) {
        const forKey = received.filter((m) => m.key === key);
        // Same key, same partition, sending order kept.
        expect(new Set(forKey.map((m) => m.partition)).size).toBe(1);
        expect(forKey.map((m) => m.value)).toEqual(
          sent.filter((m) => m.key === key).map((m) => m.value),
        );
      }
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'a read_committed consumer sees committed transactions and never an aborted one',
    async () => {
      const t = topic('transactions');
      await ensureTopics(admin, [t], { partitions: 1 });
      const producer = track(
        kafka.producer({
          transactionalId: `sagaflow-test-tx-${suffix}`,
          idempotent: true,
          maxInFlightRequests: 1,
          createPartitioner: Partitioners.DefaultPartitioner,
        }),
      );
      await producer.connect();

      const committed = await producer.transaction();
      await committed.send({ topic: t, messages: [{ key: 's', value: 'committed-1' }] });
      await committed.send({ topic: t, messages: [{ key: 's', value: 'committed-2' }] });
      await committed.commit();

      const aborted = await producer.transaction();
      await aborted.send({ topic: t, messages: [{ key: 's', value: 'aborted' }] });
      await aborted.abort();

      const last = await producer.transaction();
      await last.send({ topic: t, messages: [{ key: 's', value: 'committed-3' }] });
      await last.commit();

      const values: string[] = [];
      const consumer = track(
        kafka.consumer({
          groupId: group('read-committed'),
          readUncommitted: false,
          maxWaitTimeInMs: FETCH_WAIT_MS,
        }),
      );
      await consumer.connect();
      await consumer.subscribe({ topic: t, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          values.push(message.value?.toString() ?? '');
          await Promise.resolve();
        },
      });
      // committed-3 was written after the aborted record: once it is read, the aborted one
      // would have been delivered before it.
      await eventually(() => values.includes('committed-3'), 'the last committed transaction');
      await consumer.disconnect();

      expect(values).toEqual(['committed-1', 'committed-2', 'committed-3']);

      // The aborted record is in the log: a read_uncommitted consumer does see it.
      const dirty: string[] = [];
      const dirtyConsumer = track(
        kafka.consumer({
          groupId: group('read-uncommitted'),
          readUncommitted: true,
          maxWaitTimeInMs: FETCH_WAIT_MS,
        }),
      );
      await dirtyConsumer.connect();
      await dirtyConsumer.subscribe({ topic: t, fromBeginning: true });
      await dirtyConsumer.run({
        eachMessage: async ({ message }) => {
          dirty.push(message.value?.toString() ?? '');
          await Promise.resolve();
        },
      });
      await eventually(() => dirty.includes('committed-3'), 'the uncommitted view');
      await dirtyConsumer.disconnect();
      expect(dirty).toContain('aborted');
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'a group with manual commits resumes after a restart exactly where it committed',
    async () => {
      const t = topic('manual-commit');
      const groupId = group('manual-commit');
      await ensureTopics(admin, [t], { partitions: 1 });
      const producer = track(
        kafka.producer({
          idempotent: true,
          maxInFlightRequests: 1,
          createPartitioner: Partitioners.DefaultPartitioner,
        }),
      );
      await producer.connect();
      await producer.send({
        topic: t,
        messages: Array.from({ length: 10 }, (_, i) => ({ key: 'k', value: `m-${i}` })),
      });

      // First run: process and commit 4 messages, then stop as if the process died. Whatever
      // else it was handed is neither processed nor committed.
      const firstRun: string[] = [];
      const first = track(kafka.consumer({ groupId, maxWaitTimeInMs: FETCH_WAIT_MS }));
      await first.connect();
      await first.subscribe({ topic: t, fromBeginning: true });
      await first.run({
        autoCommit: false,
        eachMessage: async ({ topic: from, partition, message }) => {
          if (firstRun.length >= 4) return;
          firstRun.push(message.value?.toString() ?? '');
          // The committed offset is the next one to read: last processed + 1.
          await first.commitOffsets([
            { topic: from, partition, offset: (BigInt(message.offset) + 1n).toString() },
          ]);
          if (firstRun.length === 4) first.pause([{ topic: from }]);
        },
      });
      await eventually(() => firstRun.length === 4, 'the first run to process 4 messages');
      await first.disconnect();

      const [committedOffsets] = await admin.fetchOffsets({ groupId, topics: [t] });
      expect(committedOffsets?.partitions).toEqual([
        expect.objectContaining({ partition: 0, offset: '4' }),
      ]);

      // Second run, same group: starts at offset 4 — nothing lost, nothing read twice.
      const secondRun: { value: string; offset: string }[] = [];
      const second = track(kafka.consumer({ groupId, maxWaitTimeInMs: FETCH_WAIT_MS }));
      await second.connect();
      await second.subscribe({ topic: t, fromBeginning: true });
      await second.run({
        autoCommit: false,
        eachMessage: async ({ topic: from, partition, message }) => {
          secondRun.push({ value: message.value?.toString() ?? '', offset: message.offset });
          await second.commitOffsets([
            { topic: from, partition, offset: (BigInt(message.offset) + 1n).toString() },
          ]);
        },
      });
      await eventually(() => secondRun.length >= 6, 'the second run to read the rest');
      await second.disconnect();

      expect(firstRun).toEqual(['m-0', 'm-1', 'm-2', 'm-3']);
      expect(secondRun).toEqual(
        [4, 5, 6, 7, 8, 9].map((i) => ({ value: `m-${i}`, offset: String(i) })),
      );
    },
    TEST_TIMEOUT_MS,
  );
});
