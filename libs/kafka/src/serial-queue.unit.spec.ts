import { SerialQueue } from './serial-queue';

describe('SerialQueue', () => {
  it('runs operations one at a time in call order, past failures', async () => {
    const queue = new SerialQueue();
    const log: string[] = [];
    const step =
      (name: string, fail = false) =>
      async (): Promise<string> => {
        log.push(`start ${name}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
        log.push(`end ${name}`);
        if (fail) throw new Error(name);
        return name;
      };
    const results = await Promise.allSettled([
      queue.run(step('a')),
      queue.run(step('b', true)),
      queue.run(step('c')),
    ]);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });
});
