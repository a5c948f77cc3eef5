import { randomUUID } from 'node:crypto';

import { InvalidArgumentError } from '@sagaflow/core';
import type { Admin } from 'kafkajs';

import { createKafka } from './create-kafka';
import { ensureTopics } from './ensure-topics';

const suffix = randomUUID().slice(0, 8);

describe('ensureTopics', () => {
  let admin: Admin;
  const topics = [`sagaflow-test.ensure-a.${suffix}`, `sagaflow-test.ensure-b.${suffix}`];

  beforeAll(async () => {
    // kafkajs logs nothing here: the suite expects no warnings.
    admin = createKafka({
      brokers: ['127.0.0.1:9092'],
      clientId: `sagaflow-int-${suffix}`,
      logCreator: () => () => undefined,
    }).admin();
    await admin.connect();
  });

  afterAll(async () => {
    const existing = new Set(await admin.listTopics());
    const ours = topics.filter((t) => existing.has(t));
    if (ours.length > 0) await admin.deleteTopics({ topics: ours });
    await admin.disconnect();
  });

  it('creates missing topics with leaders on every partition, and leaves existing ones', async () => {
    const [a, b] = topics as [string, string];
    expect(await ensureTopics(admin, [a], { partitions: 2 })).toEqual([
      { topic: a, created: true, partitions: 2 },
    ]);
    // Second call: a exists (its partition count is kept), b is created.
    expect(await ensureTopics(admin, [a, b], { partitions: 4 })).toEqual([
      { topic: a, created: false, partitions: 2 },
      { topic: b, created: true, partitions: 4 },
    ]);
    const { topics: metadata } = await admin.fetchTopicMetadata({ topics: [a, b] });
    for (const topic of metadata) {
      expect(topic.partitions.every((p) => p.leader >= 0)).toBe(true);
    }
    expect(await ensureTopics(admin, [a, b], { partitions: 4 })).toEqual([
      { topic: a, created: false, partitions: 2 },
      { topic: b, created: false, partitions: 4 },
    ]);
  });

  it('rejects bad arguments before talking to the broker', async () => {
    await expect(ensureTopics(admin, ['bad topic'], { partitions: 0 })).rejects.toThrow(
      InvalidArgumentError,
    );
    await expect(ensureTopics(admin, [], { partitions: 1 })).rejects.toThrow('topics=[]');
  });
});
