import { type OutboxMessage } from '@sagaflow/core';

import { createKafkaTestEnv, type KafkaTestEnv } from './__fixtures__/kafka-test-env';
import { ProducerFencedError } from './errors';
import { TransactionalPublisher } from './transactional-publisher';

describe('TransactionalPublisher over a real broker', () => {
  let env: KafkaTestEnv;
  const publishers: TransactionalPublisher[] = [];

  const publisher = (transactionalId: string): TransactionalPublisher => {
    const p = new TransactionalPublisher({
      kafka: env.kafka,
      transactionalId,
      retries: 1,
      logger: env.logger,
    });
    publishers.push(p);
    return p;
  };

  beforeAll(async () => {
    env = await createKafkaTestEnv('publisher');
  });

  afterAll(async () => {
    await Promise.allSettled(publishers.map((p) => p.disconnect()));
    await env.cleanup();
  });

  it('a producer fenced by a newer one with the same transactional id fails with ProducerFencedError until reset', async () => {
    const [topic] = await env.createTopics(['fencing'], 1);
    if (topic === undefined) throw new Error('topic');
    const m = (id: string): OutboxMessage => ({ id, topic, key: 'saga-f', headers: {}, value: id });
    const id = `sagaflow-test-fencing-${env.suffix}`;
    const zombie = publisher(id);
    const successor = publisher(id);

    await zombie.publish([m('m1')]);
    await successor.connect();
    const fenced = zombie.publish([m('m2')]);
    await expect(fenced).rejects.toBeInstanceOf(ProducerFencedError);
    await expect(fenced).rejects.toMatchObject({
      code: 'KAFKA_PRODUCER_FENCED',
      retryable: false,
      transactionalId: id,
    });
    // Still fenced: fails fast, without a transaction.
    await expect(zombie.publish([m('m3')])).rejects.toBeInstanceOf(ProducerFencedError);
    await successor.publish([m('m4')]);

    // A reset takes the id back, fencing the other holder in turn.
    await zombie.reset();
    await zombie.publish([m('m5')]);
    await expect(successor.publish([m('m6')])).rejects.toBeInstanceOf(ProducerFencedError);

    const records = await env.readTopic(topic);
    expect(records.map((r) => r.value)).toEqual(['m1', 'm4', 'm5']);
  });

  it('send() writes records outside transactions, in order, tombstones included', async () => {
    const [topic] = await env.createTopics(['plain-send'], 1);
    if (topic === undefined) throw new Error('topic');
    const p = publisher(`sagaflow-test-send-${env.suffix}`);
    await p.send([
      { topic, key: 'k', value: 'one', headers: { h: 'v' } },
      { topic, key: null, value: 'two', headers: {} },
      { topic, key: 'k', value: null, headers: {} },
    ]);
    const records = await env.readTopic(topic);
    expect(records.map(({ key, value, headers }) => ({ key, value, headers }))).toEqual([
      { key: 'k', value: 'one', headers: { h: 'v' } },
      { key: null, value: 'two', headers: {} },
      { key: 'k', value: null, headers: {} },
    ]);
  });
});
