import { OUTBOX_SHARD_COUNT, outboxShardOf } from './outbox-shard';

describe('outboxShardOf', () => {
  it('is stable: these values are persisted in outbox rows', () => {
    expect(
      ['', 'a', 'saga-1', '0d8f9c1e-2b3a-4c5d-8e9f-a0b1c2d3e4f5', 'ü日本🚀'].map(outboxShardOf),
    ).toEqual([5, 12, 15, 9, 7]);
  });

  it('spreads keys over every shard', () => {
    const shards = new Set(Array.from({ length: 1000 }, (_, i) => outboxShardOf(`saga-${i}`)));
    expect([...shards].sort((a, b) => a - b)).toEqual(
      Array.from({ length: OUTBOX_SHARD_COUNT }, (_, i) => i),
    );
  });
});
