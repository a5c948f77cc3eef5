import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';

import {
  commandMessageId,
  type Direction,
  type JsonObject,
  type SagaCommand,
} from '@sagaflow/core';
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
import { createDataSource, participantEntities, participantMigrations } from '@sagaflow/mysql';
import { createLogger, kafkaLogCreator } from '@sagaflow/observability';
import { createRedis } from '@sagaflow/redis';
import { type Consumer, type Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import { type DataSource, type MigrationInterface, type QueryRunner } from 'typeorm';

import { type ParticipantOptions } from '../participant-options';

/** The test's business tables: an account balance and one reservation row per applied step. */
export class TestTables1767225700000 implements MigrationInterface {
  readonly name = 'TestTables1767225700000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE test_account (account VARCHAR(64) NOT NULL PRIMARY KEY, balance INT NOT NULL)
       ENGINE=InnoDB`,
    );
    await queryRunner.query(
      `CREATE TABLE test_reservation (
         id INT AUTO_INCREMENT PRIMARY KEY,
         saga_id VARCHAR(255) NOT NULL,
         step VARCHAR(255) NOT NULL,
         account VARCHAR(64) NOT NULL,
         amount INT NOT NULL
       ) ENGINE=InnoDB`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE test_reservation');
    await queryRunner.query('DROP TABLE test_account');
  }
}

/** Short consumer-group timings: the broker's minimum session timeout is 6 s. */
export const TEST_CONSUMER = {
  sessionTimeoutMs: 6000,
  heartbeatIntervalMs: 1000,
  rebalanceTimeoutMs: 6000,
  maxWaitTimeMs: 250,
} as const;

/** An EventProcess row as the specs check it. */
export interface EventProcessRow {
  readonly status: string;
  readonly attempts: number;
  readonly last_error: string | null;
}

/** How {@link ParticipantTestEnv.recordEventProcess} writes a row. */
export interface EventProcessRowSpec {
  readonly status: 'RECEIVED' | 'PROCESSING' | 'DONE' | 'FAILED';
  /** `created_at` and `updated_at`. @defaultValue the database's now */
  readonly at?: Date;
  /** @defaultValue `null` */
  readonly lastError?: string | null;
}

/** What to build a test command from. */
export interface TestCommand {
  readonly sagaId: string;
  readonly messageType: string;
  readonly payload: JsonObject;
  /** @defaultValue `'reserve'` */
  readonly step?: string;
  /** @defaultValue `'forward'` */
  readonly direction?: Direction;
  /** @defaultValue `1` */
  readonly attempt?: number;
}

/** One participant's infrastructure for a spec file: database, topics, Redis prefix, logs. */
export interface ParticipantTestEnv {
  readonly name: string;
  readonly suffix: string;
  readonly dataSource: DataSource;
  readonly kafka: Kafka;
  readonly topics: TopicNames;
  readonly redisKeyPrefix: string;
  readonly logger: ReturnType<typeof createLogger>;
  /** The options every participant of the file shares (add `handlers` and the rest). */
  readonly baseOptions: Pick<
    ParticipantOptions,
    'name' | 'dataSource' | 'kafka' | 'topics' | 'redis' | 'logger' | 'consumer'
  >;
  /** The envelope of a command to this participant. */
  command(spec: TestCommand): CommandEnvelope;
  /** Produces the commands to the participant's command topic, keyed by saga id. */
  send(...commands: readonly CommandEnvelope[]): Promise<void>;
  /** Produces a raw record (malformed input) to the command topic. */
  sendRaw(key: string, value: string): Promise<void>;
  /** Every reply read from the replies topic so far (decoded), in arrival order. */
  replies(sagaId?: string): ReplyEnvelope[];
  /** Waits until the saga has `count` replies; `what` names them if the wait times out. */
  awaitReplies(sagaId: string, count: number, what: string): Promise<void>;
  /** The command's EventProcess row, or undefined. */
  eventProcessRow(messageId: string): Promise<EventProcessRow | undefined>;
  /**
   * Writes a forward command's EventProcess row directly, as the consumer (or a worker) left
   * it: for states a spec cannot reach through Kafka, such as a job lost with Redis.
   */
  recordEventProcess(command: CommandEnvelope, row: EventProcessRowSpec): Promise<void>;
  /** Polls every 50 ms until `check` holds; fails after `timeoutMs` with the recent logs. */
  eventually(
    check: () => boolean | Promise<boolean>,
    what: string,
    timeoutMs?: number,
  ): Promise<void>;
  /** Creates a test account with a balance. */
  account(account: string, balance: number): Promise<void>;
  /** The account's balance and its reservation rows. */
  accountState(account: string): Promise<{ balance: number; reservations: number }>;
  cleanup(): Promise<void>;
}

/** Creates the database, topics and reply reader of one spec file. */
export async function createParticipantTestEnv(suite: string): Promise<ParticipantTestEnv> {
  const suffix = randomBytes(4).toString('hex');
  const name = 'test-participant';
  const database = `sagaflow_pt_${suite.replace(/[^a-z0-9]/g, '_')}_${suffix}`;
  const logLines: string[] = [];
  const logger = createLogger({
    service: `participant-int-${suite}`,
    level: 'debug',
    destination: new Writable({
      write(chunk: Buffer, _encoding, callback) {
        logLines.push(chunk.toString('utf8'));
        if (logLines.length > 2000) logLines.splice(0, 1000);
        callback();
      },
    }),
  });

  const admin = createDataSource({ database: 'mysql', poolSize: 1 });
  await admin.initialize();
  try {
    await admin.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  } finally {
    await admin.destroy();
  }
  const dataSource = createDataSource({
    database,
    entities: [...participantEntities],
    migrations: [...participantMigrations, TestTables1767225700000],
    poolSize: 12,
  });
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: 'each' });

  const kafka = createKafka({
    brokers: ['127.0.0.1:9092'],
    clientId: `participant-int-${suite}-${suffix}`,
    logCreator: kafkaLogCreator(logger),
    logLevel: logLevel.WARN,
    retry: { retries: 3, initialRetryTimeMs: 100, maxRetryTimeMs: 1000 },
  });
  const topics = createTopicNames({ prefix: `sagaflow-pt-${suite}-${suffix}.` });
  const kafkaAdmin = kafka.admin();
  await kafkaAdmin.connect();
  await ensureTopics(kafkaAdmin, [topics.commands(name), topics.replies, topics.deadLetters], {
    partitions: 3,
  });

  const producer: Producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();

  const received: ReplyEnvelope[] = [];
  const readerGroup = `${topics.prefix}reply-reader`;
  const reader: Consumer = kafka.consumer({
    groupId: readerGroup,
    maxWaitTimeInMs: 250,
    sessionTimeout: TEST_CONSUMER.sessionTimeoutMs,
    heartbeatInterval: TEST_CONSUMER.heartbeatIntervalMs,
  });
  await reader.connect();
  await reader.subscribe({ topic: topics.replies, fromBeginning: true });
  await reader.run({
    eachMessage: ({ message }) => {
      const decoded = decodeReply(message.value?.toString('utf8') ?? '');
      if (decoded.ok) received.push(decoded.envelope);
      return Promise.resolve();
    },
  });

  const redisKeyPrefix = `sagaflow-pt-${suite}-${suffix}:`;
  const eventually = async (
    check: () => boolean | Promise<boolean>,
    what: string,
    timeoutMs = 25_000,
  ): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) {
        throw new Error(
          `timed out after ${timeoutMs} ms waiting for ${what}\n${logLines.slice(-30).join('')}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  const replies = (sagaId?: string): ReplyEnvelope[] =>
    sagaId === undefined ? [...received] : received.filter((r) => r.sagaId === sagaId);

  const command = (spec: TestCommand): CommandEnvelope => {
    const direction = spec.direction ?? 'forward';
    const step = spec.step ?? 'reserve';
    const attempt = spec.attempt ?? 1;
    const sagaCommand: SagaCommand = {
      messageId: commandMessageId(spec.sagaId, step, direction, attempt),
      sagaId: spec.sagaId,
      sagaType: 'test-saga',
      sagaVersion: 1,
      step,
      direction,
      attempt,
      participant: name,
      command: spec.messageType,
      payload: spec.payload,
    };
    return commandToEnvelope(sagaCommand, { source: 'orchestrator', occurredAt: new Date() });
  };

  return {
    name,
    suffix,
    dataSource,
    kafka,
    topics,
    redisKeyPrefix,
    logger,
    baseOptions: {
      name,
      dataSource,
      kafka,
      topics,
      redis: { keyPrefix: redisKeyPrefix },
      logger,
      consumer: TEST_CONSUMER,
    },
    command,
    async send(...commands) {
      await producer.send({
        topic: topics.commands(name),
        acks: -1,
        messages: commands.map((c) => ({
          key: c.sagaId,
          value: encodeEnvelope(c),
          headers: envelopeHeaders(c),
        })),
      });
    },
    async sendRaw(key, value) {
      await producer.send({ topic: topics.commands(name), acks: -1, messages: [{ key, value }] });
    },
    replies,
    awaitReplies: (sagaId, count, what) => eventually(() => replies(sagaId).length === count, what),
    async eventProcessRow(messageId) {
      const rows = await dataSource.query<EventProcessRow[]>(
        'SELECT status, attempts, last_error FROM event_process WHERE message_id = ?',
        [messageId],
      );
      return rows[0];
    },
    async recordEventProcess(command, row) {
      await dataSource.query(
        `INSERT INTO event_process (consumer, message_id, saga_id, message_type, payload, step,
           direction, status, attempts, last_error, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, 'forward', ?, 0, ?, COALESCE(?, NOW(3)), COALESCE(?, NOW(3)))`,
        [
          name,
          command.messageId,
          command.sagaId,
          command.messageType,
          encodeEnvelope(command),
          command.step,
          row.status,
          row.lastError ?? null,
          row.at ?? null,
          row.at ?? null,
        ],
      );
    },
    eventually,
    async account(account, balance) {
      await dataSource.query('INSERT INTO test_account (account, balance) VALUES (?, ?)', [
        account,
        balance,
      ]);
    },
    async accountState(account) {
      const [row] = await dataSource.query<{ balance: number }[]>(
        'SELECT balance FROM test_account WHERE account = ?',
        [account],
      );
      const [count] = await dataSource.query<{ n: string | number }[]>(
        'SELECT COUNT(*) AS n FROM test_reservation WHERE account = ?',
        [account],
      );
      return { balance: row?.balance ?? 0, reservations: Number(count?.n ?? 0) };
    },
    async cleanup() {
      await reader.disconnect().catch(() => undefined);
      await producer.disconnect().catch(() => undefined);
      const groups = new Set((await kafkaAdmin.listGroups()).groups.map((g) => g.groupId));
      const ours = [readerGroup, `${topics.prefix}${name}`].filter((g) => groups.has(g));
      if (ours.length > 0) await kafkaAdmin.deleteGroups(ours).catch(() => undefined);
      await kafkaAdmin.deleteTopics({
        topics: [topics.commands(name), topics.replies, topics.deadLetters],
      });
      await kafkaAdmin.disconnect();
      await dataSource.destroy();
      const dropper = createDataSource({ database: 'mysql', poolSize: 1 });
      await dropper.initialize();
      try {
        await dropper.query(`DROP DATABASE IF EXISTS \`${database}\``);
      } finally {
        await dropper.destroy();
      }
      // BullMQ keys (`bull:<queuePrefix>…`) and the EventProcess cache (`<keyPrefix>…`).
      const redis = createRedis({});
      try {
        for (const pattern of [
          `bull:${redisKeyPrefix.replace(/:/g, '-')}*`,
          `${redisKeyPrefix}*`,
        ]) {
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
