import { ConsumerStoppedError } from './consumer-stopped-error';
import { createHealthChecks } from './health-checks';

function checks(options: { consumerRunning: boolean; redisDown?: boolean }) {
  const byName = new Map(
    createHealthChecks({
      kafka: { describeCluster: () => Promise.resolve({ brokers: [] }) },
      consumerRunning: () => options.consumerRunning,
      mysql: { query: () => Promise.resolve([{ 1: 1 }]) },
      redis: {
        ping: () =>
          options.redisDown === true
            ? Promise.reject(new Error('connection refused'))
            : Promise.resolve('PONG'),
      },
    }).map((check) => [check.name, check] as const),
  );
  const run = (name: string) => {
    const check = byName.get(name);
    if (check === undefined) throw new Error(`no check named ${name}`);
    return check.check(new AbortController().signal);
  };
  return { names: [...byName.keys()], run };
}

describe('createHealthChecks', () => {
  it('checks Kafka, MySQL and Redis', async () => {
    const { names, run } = checks({ consumerRunning: true });

    expect(names).toEqual(['kafka', 'mysql', 'redis']);
    await expect(run('kafka')).resolves.toBeUndefined();
    await expect(run('mysql')).resolves.toBeUndefined();
    await expect(run('redis')).resolves.toBeUndefined();
  });

  it('reports Kafka down when the replies consumer stopped for good', async () => {
    const { run } = checks({ consumerRunning: false });

    await expect(run('kafka')).rejects.toBeInstanceOf(ConsumerStoppedError);
  });

  it('passes the failure of a dependency on', async () => {
    const { run } = checks({ consumerRunning: true, redisDown: true });

    await expect(run('redis')).rejects.toThrow('connection refused');
  });
});
