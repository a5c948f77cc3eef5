import { deletePublishedOutbox } from './delete-published-outbox';

/** An outbox with `published` rows published before the cut-off. */
function outboxWith(published: number) {
  let left = published;
  const limits: number[] = [];
  return {
    limits,
    left: () => left,
    outbox: {
      deletePublishedBefore: (_before: Date, limit: number) => {
        limits.push(limit);
        const deleted = Math.min(left, limit);
        left -= deleted;
        return Promise.resolve(deleted);
      },
    },
  };
}

describe('deletePublishedOutbox', () => {
  it('deletes in batches until a batch comes out short', async () => {
    const fake = outboxWith(2500);

    expect(await deletePublishedOutbox(fake.outbox, new Date())).toBe(2500);
    expect(fake.limits).toEqual([1000, 1000, 1000]);
    expect(fake.left()).toBe(0);
  });

  it('stops after a bounded number of batches and leaves the rest to the next run', async () => {
    const fake = outboxWith(250_000);

    expect(await deletePublishedOutbox(fake.outbox, new Date())).toBe(100_000);
    expect(fake.left()).toBe(150_000);
  });
});
