import { InvalidArgumentError } from '@sagaflow/core';
import { createTopicNames } from '@sagaflow/messaging';
import { type Kafka } from 'kafkajs';
import { type DataSource } from 'typeorm';
import { z } from 'zod';

import { commandHandler } from './command-handler';
import { type ParticipantOptions, resolveParticipantOptions } from './participant-options';

// Construction validates shapes only; nothing connects, so stand-ins with the right methods do.
const dataSource = {
  transaction: () => undefined,
  query: () => undefined,
} as unknown as DataSource;
const kafka = { consumer: () => undefined, admin: () => undefined } as unknown as Kafka;

const options: ParticipantOptions = {
  name: 'payment-service',
  dataSource,
  kafka,
  topics: createTopicNames({ prefix: 'test.' }),
  handlers: {
    ReserveCredit: commandHandler(z.object({ amount: z.number() }), (payload) => ({
      reserved: payload.amount,
    })),
  },
  instanceId: 'host-1',
};

describe('resolveParticipantOptions', () => {
  it('applies the documented defaults', () => {
    const resolved = resolveParticipantOptions(options);
    expect(resolved).toMatchObject({
      name: 'payment-service',
      redis: {
        url: 'redis://127.0.0.1:6379',
        keyPrefix: 'sagaflow:payment-service:',
        queuePrefix: 'sagaflow-payment-service-',
      },
      concurrency: 4,
      maxHandlerAttempts: 5,
      handlerBackoffMs: 200,
      leaseMs: 60_000,
      topicPartitions: 3,
      instanceId: 'host-1',
      recoveryIntervalMs: 30_000,
      retentionMs: 604_800_000,
      purgeIntervalMs: 300_000,
      consumer: {},
      relay: {},
      observer: {},
      groupId: 'test.payment-service',
      transactionalId: 'test.payment-service-relay-host-1',
    });
  });

  it('derives the queue prefix from a given key prefix, and keeps an explicit one', () => {
    expect(
      resolveParticipantOptions({ ...options, redis: { keyPrefix: 'e2e:7f3a:payments:' } }).redis
        .queuePrefix,
    ).toBe('e2e-7f3a-payments-');
    expect(
      resolveParticipantOptions({ ...options, redis: { keyPrefix: 'a:', queuePrefix: 'q-' } }).redis
        .queuePrefix,
    ).toBe('q-');
  });

  it('keeps the Redis user, password and TLS for both connections, refusing them beside URL credentials', () => {
    const redis = { username: 'svc-payments', password: 'pw-1', tls: { ca: ['pem'] } };
    expect(resolveParticipantOptions({ ...options, redis }).redis.security).toEqual(redis);
    expect(resolveParticipantOptions(options).redis.security).toEqual({});

    const repeated = () =>
      resolveParticipantOptions({
        ...options,
        redis: { url: 'redis://:url-pw@127.0.0.1:6379', password: 'option-pw' },
      });
    expect(repeated).toThrow(InvalidArgumentError);
    expect(repeated).toThrow('redis.password=[REDACTED]');
    expect(repeated).not.toThrow(/url-pw|option-pw/);
  });

  it('defaults the instance id to the host name, made safe for Kafka', () => {
    const { instanceId, ...rest } = options;
    expect(instanceId).toBe('host-1');
    expect(resolveParticipantOptions(rest).instanceId).toMatch(/^[A-Za-z0-9._-]+$/);
  });

  it('names every bad field and its value', () => {
    const bad = {
      ...options,
      name: 'Payment Service',
      handlers: {},
      concurrency: 0,
      maxHandlerAttempts: 1.5,
      redis: { url: 'http://x', queuePrefix: 'a:b' },
      consumer: { sessionTimeoutMs: -1 },
      retentionMs: 59_999,
      purgeIntervalMs: 0,
    };
    expect(() => resolveParticipantOptions(bad)).toThrow(InvalidArgumentError);
    expect(() => resolveParticipantOptions(bad)).toThrow(
      /createParticipant: invalid options: name="Payment Service" \(expected a participant name matching .*\); handlers=\[\] \(expected at least one commandHandler/,
    );
    const message = (() => {
      try {
        resolveParticipantOptions(bad);
        return '';
      } catch (error) {
        return error instanceof Error ? error.message : '';
      }
    })();
    for (const fragment of [
      'concurrency=0 (expected an integer > 0)',
      'maxHandlerAttempts=1.5 (expected an integer > 0)',
      'redis.url="http://x"',
      'redis.queuePrefix="a:b"',
      'consumer.sessionTimeoutMs=-1',
      'retentionMs=59999 (expected an integer ≥ 60000 (a minute))',
      'purgeIntervalMs=0 (expected an integer > 0)',
    ]) {
      expect(message).toContain(fragment);
    }
  });

  it('rejects handlers that are not command handlers or have bad command names', () => {
    expect(() =>
      resolveParticipantOptions({
        ...options,
        handlers: { 'reserve-credit': options.handlers.ReserveCredit! },
      }),
    ).toThrow('handlers=["reserve-credit"]');
    expect(() =>
      resolveParticipantOptions({
        ...options,
        handlers: { ReserveCredit: { handle: () => ({}) } as never },
      }),
    ).toThrow('handlers=["ReserveCredit"]');
  });

  it('refuses the metrics option, renamed observer, instead of ignoring it', () => {
    const renamed = { ...options, metrics: { onHandled: () => undefined } };
    expect(() => resolveParticipantOptions(renamed)).toThrow(InvalidArgumentError);
    expect(() => resolveParticipantOptions(renamed)).toThrow(
      'metrics="[value]" (expected unset: it was renamed observer)',
    );
  });

  it('rejects a missing data source, Kafka client and topic names', () => {
    expect(() =>
      resolveParticipantOptions({
        ...options,
        dataSource: undefined as never,
        kafka: {} as never,
        topics: {} as never,
      }),
    ).toThrow(
      /dataSource=.*expected a TypeORM DataSource.*kafka=.*expected a kafkajs Kafka client.*topics=.*expected TopicNames/,
    );
  });
});
