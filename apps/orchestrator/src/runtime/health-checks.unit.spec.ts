import { TransientError } from '@sagaflow/core';

import { runHealthChecks } from '../http/run-health-checks';
import { createHealthChecks } from './health-checks';

function checks(options: { consumerState: string; redisDown?: boolean }) {
  const list = createHealthChecks({
    kafka: { describeCluster: () => Promise.resolve({ brokers: [] }) },
    consumerState: () => options.consumerState,
    mysql: { query: () => Promise.resolve([{ 1: 1 }]) },
    redis: {
      ping: () =>
        options.redisDown === true
          ? Promise.reject(new Error('connection refused'))
          : Promise.resolve('PONG'),
    },
  });
  const byName = new Map(list.map((check) => [check.name, check] as const));
  const run = (name: string) => {
    const check = byName.get(name);
    if (check === undefined) throw new Error(`no check named ${name}`);
    return check.check(new AbortController().signal);
  };
  return { list, names: [...byName.keys()], run };
}

describe('createHealthChecks', () => {
  it('checks Kafka, the replies consumer, MySQL and Redis', async () => {
    const { names, run } = checks({ consumerState: 'running' });

    expect(names).toEqual(['kafka', 'consumer', 'mysql', 'redis']);
    for (const name of names) await expect(run(name)).resolves.toBeUndefined();
  });

  it.each(['joining', 'stopped', 'crashed'])(
    'reports the consumer down while it is %s',
    async (state) => {
      const { run } = checks({ consumerState: state });

      const error: unknown = await run('consumer').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TransientError);
      expect(error).toMatchObject({ context: { state }, code: 'CONSUMER_NOT_RUNNING' });
    },
  );

  it("puts the consumer's state in the readiness report, up or down", async () => {
    const joining = await runHealthChecks(checks({ consumerState: 'joining' }).list, 1000);
    expect(joining.status).toBe('not-ready');
    expect(joining.checks.find((c) => c.name === 'consumer')).toMatchObject({
      status: 'down',
      state: 'joining',
      error: 'the replies consumer is joining, not consuming',
    });
    expect(joining.checks.find((c) => c.name === 'kafka')).not.toHaveProperty('state');

    const running = await runHealthChecks(checks({ consumerState: 'running' }).list, 1000);
    expect(running.status).toBe('ready');
    expect(running.checks.find((c) => c.name === 'consumer')).toMatchObject({
      status: 'up',
      state: 'running',
    });
  });

  it('passes the failure of a dependency on', async () => {
    const { run } = checks({ consumerState: 'running', redisDown: true });

    await expect(run('redis')).rejects.toThrow('connection refused');
  });
});
