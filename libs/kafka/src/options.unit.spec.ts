import { InvalidArgumentError } from '@sagaflow/core';
import { InMemoryDeadLetterStore } from '@sagaflow/core/testing';
import { Kafka } from 'kafkajs';

import { EventProcessConsumer } from './event-process-consumer';
import { TransactionalPublisher } from './transactional-publisher';

// Constructing either class does not connect: no broker is needed here.
const kafka = new Kafka({ brokers: ['127.0.0.1:1'], clientId: 'options-test' });

describe('options validation', () => {
  it('TransactionalPublisher names each bad option', () => {
    expect(
      () =>
        new TransactionalPublisher({
          kafka,
          transactionalId: 'has space',
          transactionTimeoutMs: 0,
        }),
    ).toThrow(/transactionalId="has space".*transactionTimeoutMs=0/);
    expect(() => new TransactionalPublisher({ kafka, transactionalId: 'r', retries: 0 })).toThrow(
      InvalidArgumentError,
    );
    expect(
      new TransactionalPublisher({ kafka, transactionalId: 'svc-relay-1' }).transactionalId,
    ).toBe('svc-relay-1');
  });

  it('EventProcessConsumer names each bad option and accepts a valid set', () => {
    const deadLetters = {
      store: new InMemoryDeadLetterStore(),
      topic: 'dl',
      publisher: { send: () => Promise.resolve() },
    };
    const sink = (): Promise<void> => Promise.resolve();
    expect(
      () =>
        new EventProcessConsumer({
          kafka,
          consumerName: 'bad name',
          topics: [],
          sink,
          deadLetters: { ...deadLetters, topic: 'bad topic' },
          sessionTimeoutMs: 6000,
          heartbeatIntervalMs: 6000,
        }),
    ).toThrow(
      /consumerName="bad name".*topics=\[\].*deadLetters\.topic="bad topic".*heartbeatIntervalMs=6000/,
    );
    const consumer = new EventProcessConsumer({
      kafka,
      consumerName: 'svc',
      topics: ['a', 'b'],
      sink,
      deadLetters,
    });
    expect(consumer.running).toBe(false);
    expect(consumer.state).toBe('stopped');
    expect(consumer.stats).toEqual({
      received: 0,
      delivered: 0,
      deadLettered: 0,
      batches: 0,
      failures: 0,
    });
  });

  it('EventProcessConsumer refuses the hooks option, renamed observer, instead of ignoring it', () => {
    const renamed = {
      kafka,
      consumerName: 'svc',
      topics: ['a'],
      sink: (): Promise<void> => Promise.resolve(),
      deadLetters: {
        store: new InMemoryDeadLetterStore(),
        topic: 'dl',
        publisher: { send: () => Promise.resolve() },
      },
      hooks: { onBatch: () => undefined },
    };
    expect(() => new EventProcessConsumer(renamed)).toThrow(
      'hooks="[object]" (expected unset: it was renamed observer)',
    );
  });
});
