import { type Consumer, Partitioners, type Producer, type ProducerConfig } from 'kafkajs';

import { createKafkaTestEnv, type KafkaTestEnv } from './__fixtures__/kafka-test-env';

/** Per test: group joins and transactions take seconds on a loaded 2-core machine. */
const TEST_TIMEOUT_MS = 60_000;
/**
 * Longest fetch long-poll. `disconnect()` waits for the fetch in flight, so kafkajs's 5 s
 * default would add up to 5 s to every consumer stop.
 */
const FETCH_WAIT_MS = 250;

describe('kafkajs against the local broker', () => {
  let env: KafkaTestEnv;
  const clients: (Producer | Consumer)[] = [];

  const track = <C extends Producer | Consumer>(client: C): C => {
    clients.push(client);
    return client;
  };
  /** An idempotent producer (transactional with a `transactionalId`), closed after the suite. */
  const producer = (config: ProducerConfig = {}): Producer =>
    track(
      env.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        createPartitioner: Partitioners.DefaultPartitioner,
        ...config,
      }),
    );

  beforeAll(async () => {
    env = await createKafkaTestEnv('create-kafka');
  });

  afterAll(async () => {
    await Promise.allSettled(clients.map((c) => c.disconnect()));
    await env.cleanup();
  }, TEST_TIMEOUT_MS);

  it(
    'an idempotent producer sends and a consumer reads every message, in order per key',
    async () => {
      const [t = ''] = await env.createTopics(['idempotent'], 3);
      const idempotent = producer();
      await idempotent.connect();
      const sent = Array.from({ length: 30 }, (_, i) => ({
        key: `saga-${i % 3}`,
        value: `m-${i}`,
      }));
      await idempotent.send({ topic: t, acks: -1, messages: sent });

      const received = await env.readTopic(t);

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
      const [t = ''] = await env.createTopics(['transactions'], 1);
      const transactional = producer({ transactionalId: `sagaflow-test-tx-${env.suffix}` });
      await transactional.connect();

      const committed = await transactional.transaction();
      await committed.send({ topic: t, messages: [{ key: 's', value: 'committed-1' }] });
      await committed.send({ topic: t, messages: [{ key: 's', value: 'committed-2' }] });
      await committed.commit();

      const aborted = await transactional.transaction();
      await aborted.send({ topic: t, messages: [{ key: 's', value: 'aborted' }] });
      await aborted.abort();

      const last = await transactional.transaction();
      await last.send({ topic: t, messages: [{ key: 's', value: 'committed-3' }] });
      await last.commit();

      // Each read goes to the topic's end, past the aborted record and the markers.
      const values = (await env.readTopic(t)).map((record) => record.value);
      expect(values).toEqual(['committed-1', 'committed-2', 'committed-3']);

      // The aborted record is in the log: a read_uncommitted consumer does see it.
      const dirty = (await env.readTopic(t, { readUncommitted: true })).map((r) => r.value);
      expect(dirty).toContain('aborted');
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'a group with manual commits resumes after a restart exactly where it committed',
    async () => {
      const [t = ''] = await env.createTopics(['manual-commit'], 1);
      const groupId = env.group('manual-commit');
      const idempotent = producer();
      await idempotent.connect();
      await idempotent.send({
        topic: t,
        messages: Array.from({ length: 10 }, (_, i) => ({ key: 'k', value: `m-${i}` })),
      });

      // First run: process and commit 4 messages, then stop as if the process died. Whatever
      // else it was handed is neither processed nor committed.
      const firstRun: string[] = [];
      const first = track(env.kafka.consumer({ groupId, maxWaitTimeInMs: FETCH_WAIT_MS }));
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
      await env.eventually(() => firstRun.length === 4, 'the first run to process 4 messages');
      await first.disconnect();

      expect(await env.committedOffsets(groupId, t)).toEqual({ 0: '4' });

      // Second run, same group: starts at offset 4 — nothing lost, nothing read twice.
      const secondRun: { value: string; offset: string }[] = [];
      const second = track(env.kafka.consumer({ groupId, maxWaitTimeInMs: FETCH_WAIT_MS }));
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
      await env.eventually(() => secondRun.length >= 6, 'the second run to read the rest');
      await second.disconnect();

      expect(firstRun).toEqual(['m-0', 'm-1', 'm-2', 'm-3']);
      expect(secondRun).toEqual(
        [4, 5, 6, 7, 8, 9].map((i) => ({ value: `m-${i}`, offset: String(i) })),
      );
    },
    TEST_TIMEOUT_MS,
  );
});
