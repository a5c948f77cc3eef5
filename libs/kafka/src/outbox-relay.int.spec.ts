import { type Clock, type OutboxMessage } from '@sagaflow/core';
import { InMemoryOutbox } from '@sagaflow/core/testing';
import { ConfigResourceTypes } from 'kafkajs';

import {
  createKafkaTestEnv,
  type KafkaTestEnv,
  type ReadRecord,
} from './__fixtures__/kafka-test-env';
import { OutboxRelay } from './outbox-relay';
import { TransactionalPublisher } from './transactional-publisher';

const clock: Clock = { now: () => new Date() };
/** Fast back-off: the failure test retries many times while the topic is fixed. */
const backoff = { initialDelayMs: 50, maxDelayMs: 200 };

function message(topic: string, key: string, n: number, size = 0): OutboxMessage {
  return {
    id: `${key}.m${n}`,
    topic,
    key,
    headers: { 'sagaflow-message-id': `${key}.m${n}` },
    value: size > 0 ? 'x'.repeat(size) : JSON.stringify({ key, n }),
  };
}

/** Values per key in log order, and every message id once per appearance. */
function byKey(records: readonly ReadRecord[]): Map<string, string[]> {
  const keys = new Map<string, string[]>();
  for (const r of records) {
    const id = r.headers['sagaflow-message-id'] ?? '?';
    keys.set(r.key ?? '', [...(keys.get(r.key ?? '') ?? []), id]);
  }
  return keys;
}

describe('OutboxRelay over a real broker', () => {
  let env: KafkaTestEnv;
  const publishers: TransactionalPublisher[] = [];
  const relays: OutboxRelay[] = [];

  const publisher = (name: string): TransactionalPublisher => {
    const p = new TransactionalPublisher({
      kafka: env.kafka,
      transactionalId: `sagaflow-test-relay-${name}-${env.suffix}`,
      retries: 1,
      logger: env.logger,
    });
    publishers.push(p);
    return p;
  };
  const relay = (
    outbox: InMemoryOutbox,
    p: TransactionalPublisher,
    batchSize: number,
    pollIntervalMs = 100,
  ): OutboxRelay => {
    const r = new OutboxRelay({
      outbox,
      publisher: p,
      batchSize,
      pollIntervalMs,
      backoff,
      logger: env.logger,
    });
    relays.push(r);
    return r;
  };

  beforeAll(async () => {
    env = await createKafkaTestEnv('relay');
  });

  afterAll(async () => {
    await Promise.allSettled(relays.map((r) => r.stop()));
    await Promise.allSettled(publishers.map((p) => p.disconnect()));
    await env.cleanup();
  });

  it('publishes each message once in per-key order; a failed publish is aborted, stays in the outbox and goes out on a later pass', async () => {
    const [main, small] = await env.createTopics(['main', 'small'], 3, {});
    if (main === undefined || small === undefined) throw new Error('topics');
    // A topic whose size limit refuses one of the messages: the transaction fails after the
    // broker appended the others, until the limit is raised.
    await env.admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: small,
          configEntries: [{ name: 'max.message.bytes', value: '1000' }],
        },
      ],
    });
    const outbox = new InMemoryOutbox({ clock });
    const sent = Array.from({ length: 30 }, (_, n) => message(main, `saga-${n % 3}`, n));
    outbox.enqueue(sent.slice(0, 10));
    outbox.enqueue([message(small, 'saga-0', 99, 5000)]);
    outbox.enqueue(sent.slice(10));
    const r = relay(outbox, publisher('order'), 200);
    r.start();

    await env.eventually(() => r.stats.failures >= 3, 'three failed passes');
    expect(await outbox.pendingCount()).toBe(31);
    expect(r.stats.published).toBe(0);

    await env.admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: small,
          configEntries: [{ name: 'max.message.bytes', value: '1048588' }],
        },
      ],
    });
    await env.eventually(async () => (await outbox.pendingCount()) === 0, 'the outbox to drain');
    await r.stop();

    const committed = await env.readTopic(main);
    expect(committed).toHaveLength(30);
    const keys = byKey(committed);
    for (const key of ['saga-0', 'saga-1', 'saga-2']) {
      expect(keys.get(key)).toEqual(sent.filter((m) => m.key === key).map((m) => m.id));
    }
    expect((await env.readTopic(small)).map((m) => m.value?.length)).toEqual([5000]);
    // The failed passes did reach the log — as aborted records, which only a
    // read_uncommitted reader sees.
    const everything = await env.readTopic(main, { readUncommitted: true });
    expect(everything.length).toBeGreaterThan(30);
    expect(r.stats.published).toBe(31);
  });

  it('publishes promptly on wake(), and coalesces many wake-ups into one pass', async () => {
    const [topic] = await env.createTopics(['wake'], 1);
    if (topic === undefined) throw new Error('topic');
    const outbox = new InMemoryOutbox({ clock });
    // Only a wake-up can trigger a pass within the test's deadline.
    const r = relay(outbox, publisher('wake'), 200, 600_000);
    r.start();
    await env.eventually(() => r.stats.passes === 1, 'the first (empty) pass');

    outbox.enqueue([message(topic, 'saga-w', 1), message(topic, 'saga-w', 2)]);
    r.wake();
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

  it('two relays with different transactional ids over one outbox publish every message exactly once', async () => {
    const [topic] = await env.createTopics(['two-relays'], 3);
    if (topic === undefined) throw new Error('topic');
    const outbox = new InMemoryOutbox({ clock });
    const a = relay(outbox, publisher('a'), 15, 50);
    const b = relay(outbox, publisher('b'), 15, 50);
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
    expect(records).toHaveLength(200);
    expect(new Set(records.map((m) => m.headers['sagaflow-message-id'])).size).toBe(200);
    const keys = byKey(records);
    for (let k = 0; k < 20; k += 1) {
      const key = `saga-${k}`;
      expect(keys.get(key)).toEqual(sent.filter((m) => m.key === key).map((m) => m.id));
    }
    expect(a.stats.published + b.stats.published).toBe(200);
  });
});
