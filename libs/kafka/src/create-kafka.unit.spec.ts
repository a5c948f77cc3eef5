import { InvalidArgumentError } from '@sagaflow/core';
import { Kafka, logLevel } from 'kafkajs';

import { createKafka, resolveKafkaOptions } from './create-kafka';

describe('createKafka', () => {
  it('applies defaults', () => {
    expect(resolveKafkaOptions({ brokers: ['127.0.0.1:9092'], clientId: 'c' })).toEqual({
      brokers: ['127.0.0.1:9092'],
      clientId: 'c',
      logCreator: undefined,
      logLevel: logLevel.INFO,
      retry: { retries: 5, initialRetryTimeMs: 300, maxRetryTimeMs: 30_000 },
      connectionTimeoutMs: 3000,
      requestTimeoutMs: 30_000,
    });
    expect(createKafka({ brokers: ['kafka:19092', '[::1]:9092'], clientId: 'c' })).toBeInstanceOf(
      Kafka,
    );
  });

  it('names every bad option and its value', () => {
    const bad = (): unknown =>
      createKafka({
        brokers: ['kafka://127.0.0.1:9092'],
        clientId: '',
        retry: { retries: -1, initialRetryTimeMs: 500, maxRetryTimeMs: 100 },
        connectionTimeoutMs: 0,
      });
    expect(bad).toThrow(InvalidArgumentError);
    expect(bad).toThrow(
      'createKafka: invalid options: brokers=["kafka://127.0.0.1:9092"] (expected a non-empty list of host:port); ' +
        'clientId="" (expected a non-empty string); retry.retries=-1 (expected an integer ≥ 0); ' +
        'retry.maxRetryTimeMs=100 (expected an integer ≥ retry.initialRetryTimeMs); ' +
        'connectionTimeoutMs=0 (expected an integer > 0)',
    );
    expect(() => createKafka({ brokers: [], clientId: 'c' })).toThrow('brokers=[]');
  });
});
