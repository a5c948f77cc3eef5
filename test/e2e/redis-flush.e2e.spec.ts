// Losing Redis loses and duplicates nothing: the Redis database of a stack (caches and
// BullMQ queues of all four processes) is flushed while 200 place-order sagas run. Every saga
// still ends, the participants' state is what the outcomes say, and the orchestrator's
// reconciliation reports what it repaired. The stack runs on a Redis database of its own
// (5–15, an empty one picked at random), so FLUSHDB touches nobody else's keys.
import { INFRA_DEFAULTS } from '@sagaflow/config';
import { createRedis } from '@sagaflow/redis';
import { demoCatalog, demoOrders, redisDatabaseUrl } from '@sagaflow/stack';

import { runInBackground } from './support/background-run';
import { checkStack } from './support/check-stack';
import { logLines } from './support/log-lines';
import { metricSamples, metricTotal } from './support/metrics-text';
import { useStack } from './support/use-stack';
import { waitFor } from './support/wait-for';

const SAGAS = 200;
const REPAIRS = 'sagaflow_reconciliation_repairs_total';

/** An empty database among 5–15, tried in random order. */
async function emptyRedisDatabase(): Promise<string> {
  const indexes = Array.from({ length: 11 }, (_, i) => 5 + i).sort(() => Math.random() - 0.5);
  for (const index of indexes) {
    const url = redisDatabaseUrl(INFRA_DEFAULTS.redis.url, index);
    const redis = createRedis({ url });
    try {
      if ((await redis.dbsize()) === 0) return url;
    } finally {
      await redis.quit();
    }
  }
  throw new Error('no empty Redis database among 5–15');
}

const catalog = demoCatalog(SAGAS);

const fixture = useStack(
  async () => ({
    infra: { redisUrl: await emptyRedisDatabase() },
    // Work lost with Redis (queued jobs, timers, schedules) comes back from MySQL after
    // these short leases and intervals instead of the production minutes.
    commonEnv: {
      SAGAFLOW_EVENT_PROCESS_LEASE_MS: '3000',
      SAGAFLOW_RECOVERY_INTERVAL_MS: '2000',
      SAGAFLOW_RECONCILIATION_INTERVAL_MS: '2000',
      SAGAFLOW_WORKER_CONCURRENCY: '16',
    },
    env: { orchestrator: { SAGAFLOW_PLACE_ORDER_STEP_TIMEOUT_MS: '8000' } },
  }),
  async ({ stack }) => {
    await stack.seed(catalog);
  },
);

/** The orchestrator's `reconciliation pass done` log lines. */
const reconciliationPasses = () =>
  logLines(fixture.stack, 'orchestrator', 'reconciliation pass done');

describe('Redis flushed in the middle of a run', () => {
  it('loses and duplicates nothing: every saga ends consistent, and reconciliation reports its repairs', async () => {
    const { stack, dbs } = fixture;
    const orders = demoOrders({ count: SAGAS, seed: 7, orderIdPrefix: 'o-flush-' });
    const run = runInBackground({
      api: stack.api,
      orders,
      concurrency: 50,
      statuses: (ids) => dbs.orchestrator.sagaStatuses(ids),
      drainTimeoutMs: 240_000,
    });

    const atFlush = await run.until((p) => p.ended >= 60, '60 sagas ended');
    const repairsBefore = metricTotal(await stack.api.metrics(), REPAIRS);
    const passesBefore = reconciliationPasses().length;
    const redis = createRedis({ url: stack.infra.redisUrl });
    try {
      expect(await redis.dbsize()).toBeGreaterThan(0);
      await redis.flushdb();
    } finally {
      await redis.quit();
    }
    expect(atFlush.ended).toBeLessThan(SAGAS);

    const result = await run.done;

    expect(result.stillRunning).toEqual([]);
    const statuses = [...(await dbs.orchestrator.sagaStatuses(result.sagaIds)).values()];
    expect(statuses).toHaveLength(SAGAS);
    expect(statuses.filter((s) => s !== 'COMPLETED' && s !== 'COMPENSATED')).toEqual([]);
    const report = await checkStack(
      stack,
      dbs,
      new Map(catalog.stock.map((s) => [s.sku, s.available])),
    );
    expect(report.sagas).toHaveLength(SAGAS);
    expect(report.failures).toEqual([]);

    // The schedule was flushed with the rest: passes resume once it is upserted again, and
    // they repair the state caches (and whatever queued work the flush lost).
    const repairs = await waitFor(
      async () => {
        const text = await stack.api.metrics();
        return metricTotal(text, REPAIRS) > repairsBefore
          ? metricSamples(text, REPAIRS)
          : undefined;
      },
      { timeoutMs: 60_000, what: 'reconciliation repairs after the flush' },
    );
    const stateRepairs = [...repairs]
      .filter(([labels]) => labels.includes('kind="saga_state"'))
      .reduce((sum, [, value]) => sum + value, 0);
    expect(stateRepairs).toBeGreaterThan(0);
    const passes = reconciliationPasses().slice(passesBefore);
    expect(passes.some((p) => Number(p.sagaRepairs) > 0)).toBe(true);
  });
});
