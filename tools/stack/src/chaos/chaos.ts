import { existsSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

import { SAGA_STATUSES, type SagaStatus } from '@sagaflow/core';
import { type PlaceOrderInput } from '@sagaflow/examples';

import { type ConsistencyCheck, consistencyCheck } from '../checks/consistency-checks';
import { formatTable } from '../format-table';
import { percentile } from '../percentiles';
import { findRepoRoot } from '../stack/repo-root';
import { type Stack } from '../stack/stack';
import { StackDatabase } from '../stack/stack-database';
import { STACK_PROCESSES, type StackInstanceName } from '../stack/stack-layout';
import { lineWriter, StackRun, type StackRunIo } from '../stack-run';
import { demoCatalog, demoOrders, mulberry32 } from '../workload/order-mix';
import { runSagas } from '../workload/saga-driver';
import { type ChaosArgs } from './chaos-args';
import { FaultInjector, type FaultRecord } from './fault-injector';
import { faultSchedule } from './fault-schedule';

/** What a chaos run found. */
export interface ChaosReport {
  /** True when every saga settled and every invariant held. */
  readonly ok: boolean;
  readonly faults: readonly FaultRecord[];
  readonly byStatus: Readonly<Record<SagaStatus, number>>;
  readonly checks: readonly ConsistencyCheck[];
  /** From the end of the faults to the last saga's end; null when some never ended. */
  readonly settleMs: number | null;
  /** Sagas ended per second while faults were injected, and after. */
  readonly throughput: { readonly duringFaults: number; readonly afterFaults: number | null };
  /**
   * For each restart of an orchestrator: from the new process's start to its first reply
   * decided (its `first decision` log line), in ms.
   */
  readonly restartToFirstReplyMs: readonly number[];
  /**
   * Optimistic-lock conflicts the orchestrators logged (two instances, or an instance and
   * its predecessor's queued work, deciding one saga at once), and how many were retried.
   */
  readonly lockConflicts: { readonly total: number; readonly retried: number };
  /** Sagas ended in each 10 s since the first start: how throughput fell and recovered. */
  readonly endedPer10s: readonly number[];
}

/** Share of orders from a customer, and for a SKU, the services do not know. */
const UNKNOWN_SHARE = 0.04;
/** Start attempts of one saga: a start outlives restarts of both orchestrators. */
const START_ATTEMPTS = 40;

/**
 * The chaos run (`npm run chaos`): two orchestrators and the three example services under a
 * run prefix of their own; `args.sagas` place-order sagas (the demo's mix plus unknown
 * customers and SKUs) at most `args.concurrency` in flight while a seeded schedule of
 * faults runs for `args.faultSeconds` (SIGKILL and restart, SIGSTOP/SIGCONT of a
 * participant, loss of the run's Redis keys, a Kafka broker restart); then it waits for
 * every saga to end and for the stack to be idle, and checks the databases: participants'
 * effects against the outcomes, the event streams against the decider's invariants, every
 * EventProcess record terminal, every outbox drained. Prints a report; resolves with it.
 *
 * @example
 * ```ts
 * const report = await runChaos({ ...CHAOS_DEFAULTS, sagas: 300, faultSeconds: 60, help: false }, { stdout: process.stdout, env: process.env });
 * ```
 */
export async function runChaos(args: ChaosArgs, io: StackRunIo): Promise<ChaosReport> {
  const say = lineWriter(io.stdout);
  const stackRun = await StackRun.start({ tool: 'chaos', orchestrators: 2 }, io);
  const { stack, database } = stackRun;
  const injector = new FaultInjector(stack, { repoRoot: findRepoRoot(__dirname), log: say });
  try {
    const catalog = demoCatalog(args.sagas);
    await stack.seed(catalog);
    const orders = chaosOrders(args);
    say(
      `Run ${stack.layout.runId}: ${orders.length} sagas, at most ${args.concurrency} in flight; ` +
        `faults for ${args.faultSeconds} s (seed ${args.seed}); logs in ${stack.runDir}`,
    );
    const schedule = faultSchedule({
      seed: args.seed,
      windowMs: args.faultSeconds * 1000,
      killable: stack.instances,
      pausable: STACK_PROCESSES.filter((name) => name !== 'orchestrator'),
    });
    const started = Date.now();
    const faults = injector.run(schedule);
    let lastProgress = 0;
    const run = runSagas({
      api: [stack.apiOf('orchestrator'), stack.apiOf('orchestrator-2')],
      orders,
      concurrency: args.concurrency,
      statuses: (ids) => database.sagaStatuses(ids),
      pollIntervalMs: 250,
      drainTimeoutMs: (args.faultSeconds + args.settleSeconds) * 1000,
      startAttempts: START_ATTEMPTS,
      onProgress: (progress) => {
        if (Date.now() - lastProgress < 5_000) return;
        lastProgress = Date.now();
        say(
          `[chaos] ${(progress.elapsedMs / 1000).toFixed(0)} s: ${progress.started}/${progress.total} started, ` +
            `${progress.ended} ended (${progress.byStatus.COMPLETED} completed, ${progress.byStatus.COMPENSATED} compensated, ` +
            `${progress.byStatus.COMPENSATION_FAILED} parked)`,
        );
      },
    });
    // The faults stop when their window ends, or when the sagas all ended before that.
    await Promise.race([faults, run]);
    await injector.stop();
    const faultsEnded = Date.now();
    say(`[chaos] faults stopped after ${((faultsEnded - started) / 1000).toFixed(0)} s; settling…`);
    const result = await run;
    const idle = await waitIdle(stack, args.settleSeconds * 1000);

    const effects = await stackRun.checkEffects(catalog.stock);
    const { outcomes } = effects;
    const checks = [
      consistencyCheck(`every saga started was recorded (${orders.length})`, (problem) => {
        if (outcomes.length !== orders.length) {
          problem(`${orders.length} orders placed, ${outcomes.length} sagas recorded`);
        }
      }),
      ...effects.checks,
      ...idle.checks,
    ];
    const byStatus = Object.fromEntries(SAGA_STATUSES.map((s) => [s, 0])) as Record<
      SagaStatus,
      number
    >;
    for (const outcome of outcomes) byStatus[outcome.status] += 1;
    const ends = outcomes.flatMap((o) => (o.endedAt === null ? [] : [o.endedAt.getTime()]));
    const lastEnd = ends.length === 0 ? null : Math.max(...ends);
    const duringFaults = ends.filter((end) => end <= faultsEnded).length;
    const afterFaults = ends.length - duringFaults;
    const logs = (['orchestrator', 'orchestrator-2'] as const).map((name) =>
      readOrchestratorLog(stack.logFile(name)),
    );
    const report: ChaosReport = {
      ok: result.stillRunning.length === 0 && checks.every((check) => check.ok),
      faults: injector.records,
      byStatus,
      checks,
      settleMs:
        result.stillRunning.length === 0 && lastEnd !== null
          ? Math.max(0, lastEnd - faultsEnded)
          : null,
      restartToFirstReplyMs: logs.flatMap((log) => log.firstReplyMs.slice(1)),
      lockConflicts: {
        total: logs.reduce((sum, log) => sum + log.conflicts, 0),
        retried: logs.reduce((sum, log) => sum + log.conflictsRetried, 0),
      },
      endedPer10s: perTenSeconds(ends, started),
      throughput: {
        duringFaults: duringFaults / Math.max(1, (faultsEnded - started) / 1000),
        afterFaults:
          afterFaults === 0 || lastEnd === null
            ? null
            : afterFaults / Math.max(1, (lastEnd - faultsEnded) / 1000),
      },
    };
    say();
    say(formatChaosReport(report));
    say();
    say(
      report.ok
        ? 'Every saga settled and every invariant held.'
        : 'The chaos run FAILED (see above).',
    );
    if (args.keep)
      say(`Kept: databases ${stack.layout.runId}, topics ${stack.layout.topicPrefix}*`);
    return report;
  } finally {
    await injector.stop().catch(() => undefined);
    await stackRun.close({ keep: args.keep });
  }
}

/** The demo's order mix, with a share of unknown customers and SKUs. */
function chaosOrders(args: ChaosArgs): PlaceOrderInput[] {
  const random = mulberry32(args.seed ^ 0xc4a05);
  return demoOrders({ count: args.sagas, seed: args.seed, orderIdPrefix: 'chaos-' }).map(
    (order, index) => {
      const dice = random();
      if (dice < UNKNOWN_SHARE) return { ...order, customerId: `cust-unknown-${index % 7}` };
      if (dice < 2 * UNKNOWN_SHARE) return { ...order, sku: `sku-unknown-${index % 5}` };
      return order;
    },
  );
}

/**
 * Waits (bounded) until no EventProcess record of any process is RECEIVED or PROCESSING and
 * every outbox row is published, and reports both as checks.
 */
async function waitIdle(stack: Stack, timeoutMs: number): Promise<{ checks: ConsistencyCheck[] }> {
  const dbs = await Promise.all(
    STACK_PROCESSES.map(
      async (name) => [name, await StackDatabase.open(stack.databaseTarget(name))] as const,
    ),
  );
  try {
    const count = async (db: StackDatabase, sql: string): Promise<number> =>
      Number((await db.query<{ n: number | string }>(sql))[0]?.n ?? 0);
    const read = async () =>
      Promise.all(
        dbs.map(async ([name, db]) => ({
          name,
          open: await count(
            db,
            "SELECT COUNT(*) AS n FROM event_process WHERE status NOT IN ('DONE', 'FAILED')",
          ),
          unpublished: await count(
            db,
            'SELECT COUNT(*) AS n FROM outbox WHERE published_at IS NULL',
          ),
        })),
      );
    const deadline = Date.now() + timeoutMs;
    let state = await read();
    while (state.some((s) => s.open > 0 || s.unpublished > 0) && Date.now() < deadline) {
      await sleep(500);
      state = await read();
    }
    return {
      checks: [
        consistencyCheck('every EventProcess record terminal (DONE or FAILED)', (problem) => {
          for (const s of state)
            if (s.open > 0) problem(`${s.name}: ${s.open} records not terminal`);
        }),
        consistencyCheck('every outbox drained', (problem) => {
          for (const s of state) {
            if (s.unpublished > 0) problem(`${s.name}: ${s.unpublished} rows not published`);
          }
        }),
      ],
    };
  } finally {
    await Promise.all(dbs.map(([, db]) => db.close()));
  }
}

/** The report as tables: faults, restart times, sagas by state, invariants, timings. */
export function formatChaosReport(report: ChaosReport): string {
  const kinds = ['kill', 'pause', 'flush-redis', 'restart-kafka'] as const;
  const faults = formatTable({
    header: ['fault', 'injected', 'skipped', 'failed'],
    rows: kinds.map((kind) => {
      const of = report.faults.filter((f) => f.kind === kind);
      const n = (outcome: FaultRecord['outcome']) =>
        String(of.filter((f) => f.outcome === outcome).length);
      return [kind, n('done'), n('skipped'), n('failed')];
    }),
    align: ['left', 'right', 'right', 'right'],
  });
  const restartRows = (['orchestrator', 'participant'] as const).map((role) => {
    const kills = report.faults.filter(
      (f) => f.kind === 'kill' && f.outcome === 'done' && roleOfTarget(f.target) === role,
    );
    const summary = (values: number[]) => {
      const sorted = values.sort((a, b) => a - b);
      return sorted.length === 0
        ? '-'
        : `${seconds(percentile(sorted, 50))} / ${seconds(sorted.at(-1) ?? 0)}`;
    };
    return [
      role,
      String(kills.length),
      summary(kills.flatMap((k) => (k.recoveryMs === null ? [] : [k.recoveryMs]))),
      summary(kills.flatMap((k) => (k.readyMs === null ? [] : [k.readyMs]))),
    ];
  });
  const firstReplies = [...report.restartToFirstReplyMs].sort((a, b) => a - b);
  const restarts = formatTable({
    header: ['restarted after SIGKILL', 'kills', 'to /health p50 / max', 'to /ready p50 / max'],
    rows: restartRows,
    align: ['left', 'right', 'right', 'right'],
  });
  const firstReply =
    firstReplies.length === 0
      ? 'orchestrator restart to its first reply decided: -'
      : `orchestrator restart to its first reply decided: p50 ${seconds(percentile(firstReplies, 50))}, ` +
        `max ${seconds(firstReplies.at(-1) ?? 0)} (${firstReplies.length} restarts, from process start)`;
  const states = formatTable({
    header: ['final state', 'sagas'],
    rows: SAGA_STATUSES.map((status) => [status, String(report.byStatus[status])]),
    align: ['left', 'right'],
  });
  const checks = formatTable({
    header: ['invariant', 'result'],
    rows: report.checks.map((check) => [check.name, check.ok ? 'ok' : 'FAILED (below)']),
  });
  const problems = report.checks.flatMap((check) =>
    check.ok ? [] : [`${check.name}:`, ...check.problems.map((line) => `  ${line}`)],
  );
  const { throughput } = report;
  const timings = [
    `optimistic-lock conflicts: ${report.lockConflicts.total} (${report.lockConflicts.retried} retried)`,
    `sagas ended per 10 s: ${report.endedPer10s.join(' ')}`,
    `settle time after the faults: ${report.settleMs === null ? 'did not settle' : seconds(report.settleMs)}`,
    `throughput: ${throughput.duringFaults.toFixed(1)} sagas/s during the faults, ` +
      `${throughput.afterFaults === null ? '-' : throughput.afterFaults.toFixed(1)} sagas/s after`,
  ];
  return [faults, restarts, firstReply, states, checks, ...problems, ...timings].join('\n');
}

/** What an orchestrator's JSON-lines log (every process started on it, in order) tells. */
interface OrchestratorLogFacts {
  /** `sinceProcessStartMs` of each process's first reply decided. */
  readonly firstReplyMs: number[];
  readonly conflicts: number;
  readonly conflictsRetried: number;
}

function readOrchestratorLog(logFile: string): OrchestratorLogFacts {
  const facts = { firstReplyMs: [] as number[], conflicts: 0, conflictsRetried: 0 };
  if (!existsSync(logFile)) return facts;
  for (const line of readFileSync(logFile, 'utf8').split('\n')) {
    const first = line.includes('"first decision"');
    const conflict = line.includes('lost the optimistic lock');
    if (!first && !conflict) continue;
    let entry: { input?: unknown; sinceProcessStartMs?: unknown; willRetry?: unknown };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      continue;
    }
    if (first && entry.input === 'reply' && typeof entry.sinceProcessStartMs === 'number') {
      facts.firstReplyMs.push(entry.sinceProcessStartMs);
    }
    if (conflict) {
      facts.conflicts += 1;
      if (entry.willRetry === true) facts.conflictsRetried += 1;
    }
  }
  return facts;
}

function perTenSeconds(ends: readonly number[], started: number): number[] {
  const buckets: number[] = [];
  for (const end of ends) {
    const bucket = Math.max(0, Math.floor((end - started) / 10_000));
    while (buckets.length <= bucket) buckets.push(0);
    buckets[bucket] = (buckets[bucket] ?? 0) + 1;
  }
  return buckets;
}

function roleOfTarget(target: StackInstanceName | null): 'orchestrator' | 'participant' | null {
  if (target === null) return null;
  return target.startsWith('orchestrator') ? 'orchestrator' : 'participant';
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
