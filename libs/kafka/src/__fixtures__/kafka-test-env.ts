import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';

import { createLogger, kafkaLogCreator } from '@sagaflow/observability';
import { type Admin, type Consumer, type Kafka, logLevel } from 'kafkajs';

import { createKafka } from '../create-kafka';
import { ensureTopics } from '../ensure-topics';

export const BROKERS = ['127.0.0.1:9092'];

/** Short group timings: the broker's minimum session timeout is 6 s. */
export const TEST_CONSUMER_TIMINGS = {
  sessionTimeoutMs: 6000,
  heartbeatIntervalMs: 1000,
  rebalanceTimeoutMs: 6000,
  maxWaitTimeMs: 250,
} as const;

/** One record as a test reads it back. */
export interface ReadRecord {
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly value: string | null;
  readonly headers: Readonly<Record<string, string>>;
}

/** A Kafka client, an admin and unique topic/group names for one spec file, cleaned up after. */
export interface KafkaTestEnv {
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly suffix: string;
  /** Log lines (JSON) of kafkajs and of the code under test, printed when a wait times out. */
  readonly logLines: string[];
  readonly logger: ReturnType<typeof createLogger>;
  /** A unique topic name, deleted by {@link cleanup}. */
  topic(name: string): string;
  /** A unique group id, deleted by {@link cleanup}. */
  group(name: string): string;
  /** Creates unique topics (leaders awaited) and returns their names. */
  createTopics(
    names: readonly string[],
    partitions: number,
    configEntries?: Record<string, string>,
  ): Promise<string[]>;
  /** Polls `check` every 50 ms until it is true; fails after `timeoutMs` with the logs. */
  eventually(
    check: () => boolean | Promise<boolean>,
    what: string,
    timeoutMs?: number,
  ): Promise<void>;
  /**
   * Reads a topic from the beginning with a fresh group until the consumer has passed every
   * partition's end offset as of the call (so it returns everything, and nothing is missed
   * because it came late), `read_committed` unless asked otherwise.
   */
  readTopic(topic: string, options?: { readUncommitted?: boolean }): Promise<ReadRecord[]>;
  /** The group's committed offset per partition (`-1` when none). */
  committedOffsets(groupId: string, topic: string): Promise<Record<number, string>>;
  cleanup(): Promise<void>;
}

export async function createKafkaTestEnv(suite: string): Promise<KafkaTestEnv> {
  const suffix = randomUUID().slice(0, 8);
  const logLines: string[] = [];
  const logger = createLogger({
    service: `kafka-int-${suite}`,
    level: 'debug',
    destination: new Writable({
      write(chunk: Buffer, _encoding, callback) {
        logLines.push(chunk.toString('utf8'));
        callback();
      },
    }),
  });
  const kafka = createKafka({
    brokers: BROKERS,
    clientId: `sagaflow-int-${suite}-${suffix}`,
    logCreator: kafkaLogCreator(logger),
    logLevel: logLevel.WARN,
    retry: { retries: 3, initialRetryTimeMs: 100, maxRetryTimeMs: 1000 },
  });
  const admin = kafka.admin();
  await admin.connect();
  const topics: string[] = [];
  const groups: string[] = [];
  const readers: Consumer[] = [];

  const topic = (name: string): string => {
    const t = `sagaflow-test.${suite}.${name}.${suffix}`;
    topics.push(t);
    return t;
  };
  const group = (name: string): string => {
    const g = `sagaflow-test-${suite}-${name}-${suffix}`;
    groups.push(g);
    return g;
  };

  const eventually = async (
    check: () => boolean | Promise<boolean>,
    what: string,
    timeoutMs = 20_000,
  ): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) {
        throw new Error(
          `timed out after ${timeoutMs} ms waiting for ${what}\n${logLines.slice(-40).join('')}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  let readCount = 0;
  const readTopic = async (
    name: string,
    options: { readUncommitted?: boolean } = {},
  ): Promise<ReadRecord[]> => {
    const ends = await admin.fetchTopicOffsets(name);
    const position = new Map<number, bigint>();
    const records: ReadRecord[] = [];
    readCount += 1;
    const reader = kafka.consumer({
      groupId: group(`reader-${readCount}`),
      readUncommitted: options.readUncommitted ?? false,
      maxWaitTimeInMs: TEST_CONSUMER_TIMINGS.maxWaitTimeMs,
    });
    readers.push(reader);
    // END_BATCH_PROCESS also fires for batches made only of transaction markers or aborted
    // records, which never reach eachMessage: it tells how far the reader really got.
    reader.on(reader.events.END_BATCH_PROCESS, ({ payload }) => {
      position.set(payload.partition, BigInt(payload.lastOffset) + 1n);
    });
    await reader.connect();
    await reader.subscribe({ topic: name, fromBeginning: true });
    await reader.run({
      eachMessage: ({ partition, message }) => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(message.headers ?? {})) {
          if (v !== undefined) headers[k] = String(v);
        }
        records.push({
          partition,
          offset: message.offset,
          key: message.key?.toString('utf8') ?? null,
          value: message.value?.toString('utf8') ?? null,
          headers,
        });
        return Promise.resolve();
      },
    });
    try {
      await eventually(
        () =>
          ends.every(
            ({ partition, high }) =>
              BigInt(high) === 0n || (position.get(partition) ?? 0n) >= BigInt(high),
          ),
        `reading ${name} to its end`,
      );
    } finally {
      await reader.disconnect();
    }
    return records.sort(
      (a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)),
    );
  };

  return {
    kafka,
    admin,
    suffix,
    logLines,
    logger,
    topic,
    group,
    async createTopics(names, partitions, configEntries) {
      const created = names.map(topic);
      await ensureTopics(admin, created, {
        partitions,
        ...(configEntries === undefined ? {} : { configEntries }),
      });
      return created;
    },
    eventually,
    readTopic,
    async committedOffsets(groupId, name) {
      const [result] = await admin.fetchOffsets({ groupId, topics: [name] });
      const offsets: Record<number, string> = {};
      for (const { partition, offset } of result?.partitions ?? []) offsets[partition] = offset;
      return offsets;
    },
    async cleanup() {
      await Promise.allSettled(readers.map((r) => r.disconnect()));
      const existingGroups = new Set((await admin.listGroups()).groups.map((g) => g.groupId));
      const ours = groups.filter((g) => existingGroups.has(g));
      if (ours.length > 0) await admin.deleteGroups(ours).catch(() => undefined);
      const existingTopics = new Set(await admin.listTopics());
      const ourTopics = topics.filter((t) => existingTopics.has(t));
      if (ourTopics.length > 0) await admin.deleteTopics({ topics: ourTopics });
      await admin.disconnect();
    },
  };
}
