import { randomBytes } from 'node:crypto';

import { commandMessageId, type Direction, type JsonObject } from '@sagaflow/core';
import { createKafka, ensureTopics } from '@sagaflow/kafka';
import {
  type CommandEnvelope,
  commandToEnvelope,
  createTopicNames,
  decodeReply,
  encodeEnvelope,
  envelopeHeaders,
  type ReplyEnvelope,
  type TopicNames,
} from '@sagaflow/messaging';
import { createDataSource } from '@sagaflow/mysql';
import { createRedis } from '@sagaflow/redis';
import { type Consumer, logLevel, Partitioners } from 'kafkajs';

import { EXAMPLE_SERVICES, type ExampleServiceName } from '../config';

/** What to build a command from. */
export interface DriverCommand {
  readonly sagaId: string;
  readonly step: string;
  readonly command: string;
  readonly payload: JsonObject;
  /** @defaultValue `'forward'` */
  readonly direction?: Direction;
  /** @defaultValue `1` */
  readonly attempt?: number;
}

/**
 * Plays the orchestrator's part for the example services in one test run: unique topics,
 * databases and Redis prefix (`env` for `runService`), sends commands, collects replies,
 * and cleans everything up.
 */
export interface CommandDriver {
  readonly suffix: string;
  readonly topics: TopicNames;
  /** The `SAGAFLOW_*` variables of one service of this run. */
  env(service: ExampleServiceName): Record<string, string>;
  /** The database of one service of this run. */
  database(service: ExampleServiceName): string;
  /** Sends the command to its service and waits for the reply to it. */
  call(service: ExampleServiceName, command: DriverCommand): Promise<ReplyEnvelope>;
  cleanup(): Promise<void>;
}

export async function createCommandDriver(): Promise<CommandDriver> {
  const suffix = randomBytes(4).toString('hex');
  const topics = createTopicNames({ prefix: `sagaflow-ex-${suffix}.` });
  const redisPrefix = `sagaflow-ex-${suffix}:`;
  const services = Object.keys(EXAMPLE_SERVICES) as ExampleServiceName[];
  const database = (service: ExampleServiceName) =>
    `sagaflow_ex_${suffix}_${service.replace('-service', '')}`;
  const kafka = createKafka({
    brokers: ['127.0.0.1:9092'],
    clientId: `examples-int-${suffix}`,
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, topics.all(services), { partitions: 3 });
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();

  const replies = new Map<string, ReplyEnvelope>();
  const readerGroup = `${topics.prefix}reply-reader`;
  const reader: Consumer = kafka.consumer({
    groupId: readerGroup,
    maxWaitTimeInMs: 250,
    sessionTimeout: 6000,
    heartbeatInterval: 1000,
  });
  await reader.connect();
  await reader.subscribe({ topic: topics.replies, fromBeginning: true });
  await reader.run({
    eachMessage: ({ message }) => {
      const decoded = decodeReply(message.value?.toString('utf8') ?? '');
      if (decoded.ok) replies.set(decoded.envelope.replyTo.messageId, decoded.envelope);
      return Promise.resolve();
    },
  });

  return {
    suffix,
    topics,
    database,
    env: (service) => ({
      SAGAFLOW_TOPIC_PREFIX: topics.prefix,
      SAGAFLOW_MYSQL_DATABASE: database(service),
      SAGAFLOW_REDIS_KEY_PREFIX: `${redisPrefix}${service}:`,
      SAGAFLOW_LOG_LEVEL: 'error',
      SAGAFLOW_WORKER_CONCURRENCY: '2',
    }),
    async call(service, spec) {
      const direction = spec.direction ?? 'forward';
      const attempt = spec.attempt ?? 1;
      const envelope: CommandEnvelope = commandToEnvelope(
        {
          messageId: commandMessageId(spec.sagaId, spec.step, direction, attempt),
          sagaId: spec.sagaId,
          sagaType: 'place-order',
          sagaVersion: 1,
          step: spec.step,
          direction,
          attempt,
          participant: service,
          command: spec.command,
          payload: spec.payload,
        },
        { source: 'orchestrator', occurredAt: new Date() },
      );
      await producer.send({
        topic: topics.commands(service),
        acks: -1,
        messages: [
          {
            key: envelope.sagaId,
            value: encodeEnvelope(envelope),
            headers: envelopeHeaders(envelope),
          },
        ],
      });
      const deadline = Date.now() + 20_000;
      for (;;) {
        const reply = replies.get(envelope.messageId);
        if (reply !== undefined) return reply;
        if (Date.now() > deadline) {
          throw new Error(`no reply to ${envelope.messageId} within 20 s`);
        }
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    async cleanup() {
      await reader.disconnect().catch(() => undefined);
      await producer.disconnect().catch(() => undefined);
      const groups = new Set((await admin.listGroups()).groups.map((g) => g.groupId));
      const ours = [readerGroup, ...services.map((s) => `${topics.prefix}${s}`)].filter((g) =>
        groups.has(g),
      );
      if (ours.length > 0) await admin.deleteGroups(ours).catch(() => undefined);
      await admin.deleteTopics({ topics: topics.all(services) });
      await admin.disconnect();
      const dropper = createDataSource({ database: 'mysql', poolSize: 1 });
      await dropper.initialize();
      try {
        for (const service of services) {
          await dropper.query(`DROP DATABASE IF EXISTS \`${database(service)}\``);
        }
      } finally {
        await dropper.destroy();
      }
      const redis = createRedis({});
      try {
        for (const pattern of [`${redisPrefix}*`, `bull:${redisPrefix.replace(/:/g, '-')}*`]) {
          let cursor = '0';
          do {
            const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
            cursor = next;
            if (keys.length > 0) await redis.del(...keys);
          } while (cursor !== '0');
        }
      } finally {
        await redis.quit();
      }
    },
  };
}
