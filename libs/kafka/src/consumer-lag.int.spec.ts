import { createKafkaTestEnv, type KafkaTestEnv } from './__fixtures__/kafka-test-env';
import { readConsumerLag } from './consumer-lag';

describe('readConsumerLag against a broker', () => {
  let env: KafkaTestEnv;

  beforeAll(async () => {
    env = await createKafkaTestEnv('consumer-lag');
  });
  afterAll(async () => {
    await env.cleanup();
  });

  it('counts the records a group has not committed, per partition', async () => {
    const [topic] = await env.createTopics(['lag'], 2);
    if (topic === undefined) throw new Error('no topic created');
    const groupId = env.group('lagging');
    const producer = env.kafka.producer();
    await producer.connect();
    try {
      await producer.send({
        topic,
        messages: [
          ...Array.from({ length: 5 }, (_, i) => ({ partition: 0, value: `p0-${i}` })),
          ...Array.from({ length: 3 }, (_, i) => ({ partition: 1, value: `p1-${i}` })),
        ],
      });
    } finally {
      await producer.disconnect();
    }

    // A group that never committed lags by everything there.
    expect(await readConsumerLag(env.admin, [{ groupId, topics: [topic] }])).toEqual([
      { groupId, topic, partition: 0, lag: 5 },
      { groupId, topic, partition: 1, lag: 3 },
    ]);

    await env.admin.setOffsets({
      groupId,
      topic,
      partitions: [
        { partition: 0, offset: '2' },
        { partition: 1, offset: '3' },
      ],
    });

    expect(await readConsumerLag(env.admin, [{ groupId, topics: [topic] }])).toEqual([
      { groupId, topic, partition: 0, lag: 3 },
      { groupId, topic, partition: 1, lag: 0 },
    ]);
  });
});
