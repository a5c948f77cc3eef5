import { checkOptions, isNonEmptyString, isPositiveInteger, TransientError } from '@sagaflow/core';
import type { Admin, ITopicMetadata, PartitionMetadata } from 'kafkajs';

/** Options of {@link ensureTopics}. */
export interface EnsureTopicsOptions {
  /** Partitions of topics that are created (existing topics are left as they are). Required. */
  readonly partitions: number;
  /**
   * Replicas of topics that are created. kafkajs speaks CreateTopics v3 at most, which has
   * no "broker default" value, so it is explicit; use 3 on a production cluster.
   * @defaultValue `1`
   */
  readonly replicationFactor?: number;
  /** Topic-level configs for created topics, e.g. `{ 'retention.ms': '604800000' }`. @defaultValue `{}` */
  readonly configEntries?: Readonly<Record<string, string>>;
  /** How long to wait, in all, for every topic to have a leader on each partition. @defaultValue `30000` */
  readonly timeoutMs?: number;
  /** Pause between two leader checks, in ms. @defaultValue `100` */
  readonly pollIntervalMs?: number;
}

/** What {@link ensureTopics} found or did for one topic. */
export interface EnsuredTopic {
  readonly topic: string;
  /** True when this call created it (false when it existed, or another process created it first). */
  readonly created: boolean;
  /** Its partition count now. */
  readonly partitions: number;
}

const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => {
    setTimeout(resolve, ms);
  });

/**
 * Creates the topics that do not exist yet and waits, with a bounded deadline, until every
 * partition of every topic has a leader — so the first produce or subscribe does not fail.
 * Safe to run from several processes at once (a topic created by another one counts as
 * existing). Topics are never auto-created by the broker in Sagaflow's setups.
 *
 * @throws `TransientError` (`KAFKA_TOPICS_NOT_READY`, retryable) when some partition still
 * has no leader at the deadline (broker starting, controller moving).
 *
 * @example
 * ```ts
 * await admin.connect();
 * await ensureTopics(admin, ['sagaflow.payment.commands', 'sagaflow.saga.replies'], { partitions: 3 });
 * ```
 */
export async function ensureTopics(
  admin: Admin,
  topics: readonly string[],
  options: EnsureTopicsOptions,
): Promise<EnsuredTopic[]> {
  const replicationFactor = options.replicationFactor ?? 1;
  const configEntries = options.configEntries ?? {};
  const timeoutMs = options.timeoutMs ?? 30_000;
  const pollIntervalMs = options.pollIntervalMs ?? 100;
  checkOptions('ensureTopics', [
    [
      'topics',
      topics,
      topics.length > 0 &&
        topics.every((t) => TOPIC_NAME.test(t)) &&
        new Set(topics).size === topics.length,
      'a non-empty list of distinct topic names ([a-zA-Z0-9._-], at most 249)',
    ],
    ['partitions', options.partitions, isPositiveInteger(options.partitions), 'an integer > 0'],
    [
      'replicationFactor',
      replicationFactor,
      isPositiveInteger(replicationFactor),
      'an integer > 0',
    ],
    [
      'configEntries',
      configEntries,
      Object.entries(configEntries).every(([k, v]) => isNonEmptyString(k) && typeof v === 'string'),
      'string names and values',
    ],
    ['timeoutMs', timeoutMs, isPositiveInteger(timeoutMs), 'an integer > 0'],
    ['pollIntervalMs', pollIntervalMs, isPositiveInteger(pollIntervalMs), 'an integer > 0'],
  ]);
  const deadline = Date.now() + timeoutMs;

  const existing = new Set(await admin.listTopics());
  const created = new Set<string>();
  const entries = Object.entries(configEntries).map(([name, value]) => ({ name, value }));
  for (const topic of topics.filter((t) => !existing.has(t))) {
    // One request per topic: kafkajs answers `false` for a batch as soon as one topic
    // already existed, which would hide which ones this call created. Leaders are awaited
    // below for every topic, created here or elsewhere.
    const createdHere = await admin.createTopics({
      topics: [
        {
          topic,
          numPartitions: options.partitions,
          replicationFactor,
          ...(entries.length > 0 ? { configEntries: entries } : {}),
        },
      ],
      waitForLeaders: false,
      timeout: timeoutMs,
    });
    if (createdHere) created.add(topic);
  }

  let lastError: unknown;
  for (;;) {
    let metadata: ITopicMetadata[] | undefined;
    try {
      metadata = (await admin.fetchTopicMetadata({ topics: [...topics] })).topics;
      lastError = undefined;
    } catch (e) {
      // Right after creation the broker may answer UNKNOWN_TOPIC_OR_PARTITION or
      // LEADER_NOT_AVAILABLE: poll again, and report the error if the deadline passes.
      lastError = e;
    }
    const partitionsOf = (topic: string): PartitionMetadata[] =>
      metadata?.find((m) => m.name === topic)?.partitions ?? [];
    const waiting = topics.filter((topic) => {
      const partitions = partitionsOf(topic);
      return partitions.length === 0 || partitions.some((p) => p.leader < 0);
    });
    if (waiting.length === 0) {
      return topics.map((topic) => ({
        topic,
        created: created.has(topic),
        partitions: partitionsOf(topic).length,
      }));
    }
    if (Date.now() >= deadline) {
      throw new TransientError(
        'KAFKA_TOPICS_NOT_READY',
        `Kafka topics have no leader after ${timeoutMs} ms: ${waiting.join(', ')}`,
        { ...(lastError === undefined ? {} : { cause: lastError }), context: { topics: waiting } },
      );
    }
    await sleep(pollIntervalMs);
  }
}
