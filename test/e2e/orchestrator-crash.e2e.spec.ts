// No lost saga: the orchestrator is killed with SIGKILL while 200 place-order sagas run,
// then started again. Every saga reaches a terminal state, and the participants' state is
// what the sagas' outcomes say. Separate processes on Kafka, MariaDB and Redis.
import { demoCatalog, demoOrders } from '@sagaflow/stack';

import { runInBackground } from './support/background-run';
import { checkStack } from './support/check-stack';
import { logLines } from './support/log-lines';
import { useStack } from './support/use-stack';

const SAGAS = 200;

const catalog = demoCatalog(SAGAS);

const fixture = useStack(
  {
    env: {
      orchestrator: {
        // About the outage (a restart after SIGKILL consumes again once Kafka expired the
        // dead member's session, 10 s): in-flight steps time out and are retried, some
        // sagas give up and compensate. A compensation outlasts the outage (5 attempts of
        // 10 s, 0.5–4 s apart), so none is parked.
        SAGAFLOW_PLACE_ORDER_STEP_TIMEOUT_MS: '10000',
        // Replies the killed process was applying are picked up again after this lease.
        SAGAFLOW_EVENT_PROCESS_LEASE_MS: '3000',
        SAGAFLOW_RECONCILIATION_INTERVAL_MS: '3000',
        SAGAFLOW_WORKER_CONCURRENCY: '16',
      },
    },
  },
  async ({ stack }) => {
    await stack.seed(catalog);
  },
);

describe('the orchestrator killed in the middle of 200 running sagas', () => {
  it('is started again, and every saga ends with the balances and stock its outcome says', async () => {
    const { stack, dbs } = fixture;
    const orders = demoOrders({ count: SAGAS, seed: 6, orderIdPrefix: 'o-crash-' });
    const run = runInBackground({
      api: stack.api,
      orders,
      concurrency: SAGAS,
      statuses: (ids) => dbs.orchestrator.sagaStatuses(ids),
      drainTimeoutMs: 240_000,
    });

    const atKill = await run.until(
      (p) => p.started === SAGAS && p.ended >= 20,
      'all 200 sagas started and 20 ended',
    );
    await stack.kill('orchestrator', 'SIGKILL');
    // In the middle: most sagas were still running when it died.
    expect(SAGAS - atKill.ended).toBeGreaterThanOrEqual(SAGAS / 2);

    await stack.restart('orchestrator');
    const result = await run.done;

    expect(result.stillRunning).toEqual([]);
    expect(new Set(result.sagaIds).size).toBe(SAGAS);
    const statuses = await dbs.orchestrator.sagaStatuses(result.sagaIds);
    const ended = [...statuses.values()];
    expect(ended).toHaveLength(SAGAS);
    expect(ended.filter((s) => s !== 'COMPLETED' && s !== 'COMPENSATED')).toEqual([]);
    // The mix has orders over their credit limit and SKUs ordered beyond their stock.
    expect(ended).toContain('COMPLETED');
    expect(ended).toContain('COMPENSATED');

    const report = await checkStack(
      stack,
      dbs,
      new Map(catalog.stock.map((s) => [s.sku, s.available])),
    );
    expect(report.sagas).toHaveLength(SAGAS);
    expect(report.failures).toEqual([]);

    // The second start resumed the sagas the first one left in flight.
    const recoveries = logLines(stack, 'orchestrator', 'recovery done');
    expect(recoveries).toHaveLength(2);
    expect(recoveries[1]).toMatchObject({ rearmFailures: 0 });
    expect(Number(recoveries[1]?.sagasRearmed)).toBeGreaterThan(0);
  });
});
