import { type ConsumerLagAdmin, partitionLag, readConsumerLag } from './consumer-lag';

/** An admin over fixed watermarks and committed offsets, as a broker would answer. */
function fakeAdmin(
  watermarks: Readonly<Record<string, readonly { low: string; high: string }[]>>,
  committed: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>,
): ConsumerLagAdmin & { readonly watermarkReads: string[] } {
  const watermarkReads: string[] = [];
  return {
    watermarkReads,
    fetchTopicOffsets: (topic) => {
      watermarkReads.push(topic);
      return Promise.resolve(
        (watermarks[topic] ?? []).map(({ low, high }, partition) => ({
          partition,
          offset: high,
          low,
          high,
        })),
      );
    },
    fetchOffsets: ({ groupId, topics = [] }) =>
      Promise.resolve(
        topics.map((topic) => ({
          topic,
          partitions: (watermarks[topic] ?? []).map((_, partition) => ({
            partition,
            offset: committed[groupId]?.[topic]?.[partition] ?? '-1',
            metadata: null,
          })),
        })),
      ),
  };
}

describe('partitionLag', () => {
  it('is the high watermark minus the committed offset', () => {
    expect(partitionLag({ committed: '40', low: '0', high: '42' })).toBe(2);
    expect(partitionLag({ committed: '42', low: '0', high: '42' })).toBe(0);
  });

  it('counts from the low watermark without a committed offset, or below it', () => {
    expect(partitionLag({ committed: '-1', low: '10', high: '42' })).toBe(32);
    expect(partitionLag({ committed: '3', low: '10', high: '42' })).toBe(32);
    expect(partitionLag({ committed: '-1', low: '0', high: '0' })).toBe(0);
  });

  it('is never negative, and exact past 2^53', () => {
    expect(partitionLag({ committed: '50', low: '0', high: '42' })).toBe(0);
    expect(
      partitionLag({ committed: '9007199254740993', low: '0', high: '9007199254741000' }),
    ).toBe(7);
  });
});

describe('readConsumerLag', () => {
  it('reads every partition of each group, each topic once', async () => {
    const admin = fakeAdmin(
      {
        replies: [
          { low: '0', high: '10' },
          { low: '5', high: '8' },
        ],
        dlq: [{ low: '0', high: '3' }],
      },
      { orchestrator: { replies: ['10', '-1'] }, auditor: { replies: ['4', '8'], dlq: ['3'] } },
    );

    const lags = await readConsumerLag(admin, [
      { groupId: 'orchestrator', topics: ['replies'] },
      { groupId: 'auditor', topics: ['replies', 'dlq'] },
    ]);

    expect(lags).toEqual([
      { groupId: 'orchestrator', topic: 'replies', partition: 0, lag: 0 },
      { groupId: 'orchestrator', topic: 'replies', partition: 1, lag: 3 },
      { groupId: 'auditor', topic: 'replies', partition: 0, lag: 6 },
      { groupId: 'auditor', topic: 'replies', partition: 1, lag: 0 },
      { groupId: 'auditor', topic: 'dlq', partition: 0, lag: 0 },
    ]);
    expect(admin.watermarkReads.sort()).toEqual(['dlq', 'replies']);
  });

  it('rejects when the broker does not answer', async () => {
    const admin: ConsumerLagAdmin = {
      fetchTopicOffsets: () => Promise.reject(new Error('Broker not connected')),
      fetchOffsets: () => Promise.resolve([]),
    };
    await expect(readConsumerLag(admin, [{ groupId: 'g', topics: ['t'] }])).rejects.toThrow(
      'Broker not connected',
    );
  });
});
