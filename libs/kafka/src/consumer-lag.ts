import { type Admin } from 'kafkajs';

/** A consumer group and the topics it reads, whose lag {@link readConsumerLag} reads. */
export interface ConsumerGroupTopics {
  readonly groupId: string;
  readonly topics: readonly string[];
}

/** How many records of one partition a group has not consumed yet. */
export interface PartitionLag {
  readonly groupId: string;
  readonly topic: string;
  readonly partition: number;
  /** The high watermark minus the group's committed offset, never below 0. */
  readonly lag: number;
}

/** The admin calls {@link readConsumerLag} makes; a connected kafkajs `Admin` fits. */
export type ConsumerLagAdmin = Pick<Admin, 'fetchOffsets' | 'fetchTopicOffsets'>;

/**
 * The lag of one partition: `high − committed`, where a partition without a committed
 * offset (`-1`), or with one below the low watermark (records deleted by retention), counts
 * from the low watermark — where the group would start reading. Offsets are decimal strings,
 * as kafkajs gives them.
 *
 * @example
 * ```ts
 * partitionLag({ committed: '40', low: '0', high: '42' }); // 2
 * partitionLag({ committed: '-1', low: '10', high: '42' }); // 32
 * ```
 */
export function partitionLag(offsets: {
  readonly committed: string;
  readonly low: string;
  readonly high: string;
}): number {
  const low = BigInt(offsets.low);
  const high = BigInt(offsets.high);
  const committed = BigInt(offsets.committed);
  const from = committed < low ? low : committed;
  return high > from ? Number(high - from) : 0;
}

/**
 * Reads the lag of consumer groups on every partition of their topics: each topic's
 * watermarks once (`fetchTopicOffsets`) and each group's committed offsets
 * (`fetchOffsets`), in parallel. A group that never committed on a topic lags by every
 * record still there. Rejects with kafkajs's error when the broker does not answer.
 *
 * @example
 * ```ts
 * await admin.connect();
 * const lags = await readConsumerLag(admin, [
 *   { groupId: 'sagaflow.orchestrator', topics: ['sagaflow.saga.replies'] },
 * ]);
 * // [{ groupId: 'sagaflow.orchestrator', topic: 'sagaflow.saga.replies', partition: 0, lag: 0 }, …]
 * ```
 */
export async function readConsumerLag(
  admin: ConsumerLagAdmin,
  groups: readonly ConsumerGroupTopics[],
): Promise<PartitionLag[]> {
  const topics = [...new Set(groups.flatMap((group) => group.topics))];
  const [watermarks, committed] = await Promise.all([
    Promise.all(
      topics.map(async (topic) => [topic, await admin.fetchTopicOffsets(topic)] as const),
    ),
    Promise.all(
      groups.map((group) =>
        admin.fetchOffsets({ groupId: group.groupId, topics: [...group.topics] }),
      ),
    ),
  ]);
  const watermarksOf = new Map(watermarks);
  return groups.flatMap((group, index) =>
    group.topics.flatMap((topic) => {
      const offsets = committed[index]?.find((entry) => entry.topic === topic)?.partitions ?? [];
      const committedOf = new Map(offsets.map((p) => [p.partition, p.offset]));
      return (watermarksOf.get(topic) ?? [])
        .map(({ partition, low, high }) => ({
          groupId: group.groupId,
          topic,
          partition,
          lag: partitionLag({ committed: committedOf.get(partition) ?? '-1', low, high }),
        }))
        .sort((a, b) => a.partition - b.partition);
    }),
  );
}
