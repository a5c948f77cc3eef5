import { type OutboxMessage } from '@sagaflow/core';
import { InMemoryOutbox } from '@sagaflow/core/testing';

import { createKafkaTestEnv, type KafkaTestEnv } from './__fixtures__/kafka-test-env';
import {
  byKey,
  clock,
  firstAppearances,
  idsOf,
  message,
  RelayTracker,
  setMaxMessageBytes,
} from './__fixtures__/relay-support';
import { IdempotentPublisher } from './idempotent-publisher';
import { createRelayPublisher } from './relay-publisher';
import { type OutboxRelay } from './outbox-relay';
import { TransactionalPublisher } from './transactional-publisher';

describe('IdempotentPublisher over a real broker', () => {
  let env: KafkaTestEnv;
  const tracked = new RelayTracker();
  const publisher = (): IdempotentPublisher =>
    tracked.publisher(new IdempotentPublisher({ kafka: env.kafka, logger: env.logger }));
  const relay = (
    outbox: InMemoryOutbox,
    p: IdempotentPublisher,
    batchSize: number,
    pollIntervalMs = 100,
  ): OutboxRelay => tracked.relay(env, { outbox, publisher: p, batchSize, pollIntervalMs });

  beforeAll(async () => {
    env = await createKafkaTestEnv('idempotent');
  });

  afterAll(async () => {
    await tracked.stopAll();
    await env.cleanup();
  });

  it('sends records in order with their keys and headers, and recovers from a failed send with a new producer', async () => {
    const [topic, small] = await env.createTopics(['send', 'send-small'], 1);
    if (topic === undefined || small === undefined) throw new Error('topics');
    await setMaxMessageBytes(env, small, 1000);
    const p = publisher();
    await p.connect();
    const record = (value: string) => ({
      topic,
      key: 'saga-s',
      value,
      headers: { 'sagaflow-message-id': value },
    });

    await p.send([record('r1'), record('r2')]);
    // Refused for one record: the send fails, but the other topic's record reached the log.
    const failed = p.send([
      record('r3'),
      { ...record('big'), topic: small, value: 'x'.repeat(5000) },
    ]);
    await expect(failed).rejects.toMatchObject({
      name: 'TransientError',
      code: 'KAFKA_PUBLISH_FAILED',
    });
    await expect(failed).rejects.toMatchObject({ retryable: true });
    await p.send([record('r4')]);
    await expect(p.send([])).resolves.toBeUndefined();

    const records = await env.readTopic(topic);
    expect(records.map((r) => [r.key, r.value, r.headers['sagaflow-message-id']])).toEqual([
      ['saga-s', 'r1', 'r1'],
      ['saga-s', 'r2', 'r2'],
      ['saga-s', 'r3', 'r3'],
      ['saga-s', 'r4', 'r4'],
    ]);
    expect(await env.readTopic(small)).toEqual([]);
  });

  it('with OutboxRelay: every message at least once, first appearances per key in outbox order, even after failed passes whose records stay visible', async () => {
    const [main, small] = await env.createTopics(['main', 'small'], 3, {});
    if (main === undefined || small === undefined) throw new Error('topics');
    // A topic whose size limit refuses one of the messages: each send fails after the
    // broker appended the others, until the limit is raised.
    await setMaxMessageBytes(env, small, 1000);
    const outbox = new InMemoryOutbox({ clock });
    const sent = Array.from({ length: 30 }, (_, n) => message(main, `saga-${n % 3}`, n));
    outbox.enqueue(sent.slice(0, 10));
    outbox.enqueue([message(small, 'saga-0', 99, 5000)]);
    outbox.enqueue(sent.slice(10));
    const r = relay(outbox, publisher(), 200);
    r.start();

    await env.eventually(() => r.stats.failures >= 3, 'three failed passes');
    expect(await outbox.pendingCount()).toBe(31);
    expect(r.stats.published).toBe(0);

    await setMaxMessageBytes(env, small, 1048588);
    await env.eventually(async () => (await outbox.pendingCount()) === 0, 'the outbox to drain');
    await r.stop();
    expect(r.stats.published).toBe(31);

    // No transactions: what the failed passes appended is there for every reader (the
    // consumers' EventProcess table drops the duplicates). Each pass sent the whole batch, in order.
    const visible = await env.readTopic(main);
    const passes = visible.length / 30;
    expect(Number.isInteger(passes)).toBe(true);
    expect(passes).toBeGreaterThanOrEqual(4);
    expect(passes).toBeLessThanOrEqual(r.stats.failures + 1);
    const keys = byKey(visible);
    for (const key of ['saga-0', 'saga-1', 'saga-2']) {
      const inOrder = idsOf(sent, key);
      expect(firstAppearances(keys.get(key) ?? [])).toEqual(inOrder);
      expect(keys.get(key)).toEqual(Array.from({ length: passes }, () => inOrder).flat());
    }
    // The refused message went out once, on the pass that succeeded.
    expect((await env.readTopic(small)).map((m) => m.value?.length)).toEqual([5000]);
  });

  it('with OutboxRelay: publishes promptly on wake(), once', async () => {
    const [topic] = await env.createTopics(['wake'], 1);
    if (topic === undefined) throw new Error('topic');
    const outbox = new InMemoryOutbox({ clock });
    // Only a wake-up can trigger a pass within the test's deadline.
    const r = relay(outbox, publisher(), 200, 600_000);
    r.start();
    await env.eventually(() => r.stats.passes === 1, 'the first (empty) pass');

    outbox.enqueue([message(topic, 'saga-w', 1), message(topic, 'saga-w', 2)]);
    r.wake();
    r.wake();
    await env.eventually(async () => (await outbox.pendingCount()) === 0, 'the woken pass', 10_000);
    await r.stop();

    expect(r.stats).toEqual({ passes: 2, batches: 1, published: 2, failures: 0 });
    expect((await env.readTopic(topic)).map((m) => m.headers['sagaflow-message-id'])).toEqual([
      'saga-w.m1',
      'saga-w.m2',
    ]);
  });

  it('with two OutboxRelays over one outbox: every message at least once, first appearances per key in outbox order', async () => {
    const [topic] = await env.createTopics(['two-relays'], 3);
    if (topic === undefined) throw new Error('topic');
    const outbox = new InMemoryOutbox({ clock });
    const batchSize = 15;
    const a = relay(outbox, publisher(), batchSize, 50);
    const b = relay(outbox, publisher(), batchSize, 50);
    a.start();
    b.start();
    const sent: OutboxMessage[] = [];
    for (let chunk = 0; chunk < 4; chunk += 1) {
      const messages = Array.from({ length: 50 }, (_, i) => {
        const n = chunk * 50 + i;
        return message(topic, `saga-${n % 20}`, n);
      });
      outbox.enqueue(messages);
      sent.push(...messages);
      a.wake();
      b.wake();
    }
    await env.eventually(async () => (await outbox.pendingCount()) === 0, 'both relays to drain');
    await Promise.all([a.stop(), b.stop()]);

    const records = await env.readTopic(topic);
    const ids = records.map((m) => m.headers['sagaflow-message-id']);
    expect(new Set(ids)).toEqual(new Set(sent.map((m) => m.id)));
    const keys = byKey(records);
    for (let k = 0; k < 20; k += 1) {
      const key = `saga-${k}`;
      expect(firstAppearances(keys.get(key) ?? [])).toEqual(idsOf(sent, key));
    }
    expect(a.stats.published + b.stats.published).toBe(200);
    // A duplicate comes only from a failed pass, at most its batch: no failure, no duplicate.
    const failures = a.stats.failures + b.stats.failures;
    expect(records.length).toBeLessThanOrEqual(200 + failures * batchSize);
  });

  it('createRelayPublisher picks the idempotent publisher unless transactions are asked for', () => {
    const options = {
      kafka: env.kafka,
      transactionalId: `sagaflow-test-relay-factory-${env.suffix}`,
      logger: env.logger,
    };
    expect(createRelayPublisher({ ...options, transactions: false })).toBeInstanceOf(
      IdempotentPublisher,
    );
    expect(createRelayPublisher({ ...options, transactions: true })).toBeInstanceOf(
      TransactionalPublisher,
    );
  });
});
