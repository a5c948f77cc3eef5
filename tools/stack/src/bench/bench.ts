import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';

import { type CustomerSeed, type PlaceOrderInput, type StockSeed } from '@sagaflow/examples';

import { formatTable } from '../format-table';
import { percentile } from '../percentiles';
import { findRepoRoot } from '../stack/repo-root';
import { type Stack } from '../stack/stack';
import { STACK_PROCESSES } from '../stack/stack-layout';
import { lineWriter, StackRun, type StackRunIo } from '../stack-run';
import { runSagas } from '../workload/saga-driver';
import { type BenchArgs } from './bench-args';
import {
  findProcess,
  pidFromFile,
  type ProcessSample,
  sampleMachine,
  sampleProcess,
} from './process-usage';

/** CPU and memory of one process over a measured run. */
export interface ProcessUsage {
  /** Share of one core used during the run, in percent. */
  readonly cpu_pct: number;
  /** Resident set size at the end of the run, in MiB. */
  readonly rss_mib: number;
}

/** One level's figures: the JSON line the benchmark prints, in the peer's vocabulary. */
export interface BenchResult {
  readonly system: 'sagaflow';
  readonly label: string;
  readonly in_flight: number;
  readonly sagas: number;
  readonly compensated: number;
  readonly errors: number;
  readonly secs: number;
  readonly sagas_per_s: number;
  readonly p50_ms: number;
  readonly p95_ms: number;
  readonly p99_ms: number;
  readonly max_ms: number;
  readonly machine_busy: string;
  readonly processes: Readonly<Record<string, ProcessUsage>>;
  /** RSS of each process each time another 2,000 measured sagas ended, in MiB. */
  readonly rss_checkpoints: readonly {
    readonly ended: number;
    readonly rss_mib: Record<string, number>;
  }[];
}

/** What {@link runBench} found. */
export interface BenchReport {
  readonly results: readonly BenchResult[];
  /** The peer's JSON lines, with `--compare`. */
  readonly peer: readonly Record<string, unknown>[];
  /** False when a level left sagas unfinished or the databases were inconsistent. */
  readonly ok: boolean;
}

const CUSTOMERS = 1_000;
const SKUS = 500;
/** Every tenth saga reserves this SKU, which has no stock: it compensates at reserve-stock. */
const EMPTY_SKU = 'bench-sku-empty';
const RSS_CHECKPOINT_EVERY = 2_000;
/** How often the driver reads the statuses of the sagas in flight. */
const POLL_MS = 20;

/**
 * The benchmark (`npm run bench`): the orchestrator and the three example services under a
 * run prefix of their own, the place-order saga driven closed-loop through `POST /sagas` at
 * each level of sagas in flight (a warm-up, then the measured sagas; every tenth
 * compensated at reserve-stock, like the peer's mix). Prints one JSON line and a table row
 * per level, checks the databases after each level (a fast wrong answer is no result) and,
 * with `compare`, runs the peer's benchmark with the same levels and counts and prints the
 * ratios.
 *
 * @example
 * ```ts
 * const report = await runBench(parseBenchArgs(['--levels', '16']), { stdout: process.stdout, env: process.env });
 * ```
 */
export async function runBench(args: BenchArgs, io: StackRunIo): Promise<BenchReport> {
  const say = lineWriter(io.stdout);
  const repoRoot = findRepoRoot(__dirname);
  const stackRun = await StackRun.start({ tool: 'bench', logLevel: 'warn' }, io);
  const { stack } = stackRun;
  const results: BenchResult[] = [];
  let ok = true;
  try {
    const perLevel = args.warmup + args.sagas;
    const total = perLevel * args.levels.length;
    await stack.seed(benchCatalog(total));
    const pids = processPids(stack, repoRoot);
    say(`Run ${stack.layout.runId}; logs in ${stack.runDir}`);
    for (const [index, level] of args.levels.entries()) {
      const first = index * perLevel;
      const label = `sagaflow-c${level}`;
      await drive(stackRun, benchOrders(first, args.warmup, label), level, () => undefined);
      const before = sampleAll(pids);
      const machineBefore = sampleMachine();
      const checkpoints: BenchResult['rss_checkpoints'][number][] = [];
      let nextCheckpoint = RSS_CHECKPOINT_EVERY;
      const run = await drive(
        stackRun,
        benchOrders(first + args.warmup, args.sagas, label),
        level,
        (ended) => {
          if (ended < nextCheckpoint) return;
          nextCheckpoint += RSS_CHECKPOINT_EVERY;
          const rss = Object.fromEntries(
            Object.entries(sampleAll(pids)).map(([name, s]) => [name, round(s.rssMiB)]),
          );
          checkpoints.push({ ended, rss_mib: rss });
          say(`[bench] c${level}: ${ended} ended; RSS MiB ${JSON.stringify(rss)}`);
        },
      );
      const after = sampleAll(pids);
      const machineAfter = sampleMachine();
      const secs = (run.finishedAt.getTime() - run.startedAt.getTime()) / 1000;
      const measured = new Set(run.sagaIds);
      const outcomes = (await stackRun.database.placeOrderOutcomes()).filter((o) =>
        measured.has(o.sagaId),
      );
      const latencies = outcomes
        .flatMap((o) => (o.endedAt === null ? [] : [o.endedAt.getTime() - o.startedAt.getTime()]))
        .sort((a, b) => a - b);
      const result: BenchResult = {
        system: 'sagaflow',
        label,
        in_flight: level,
        sagas: latencies.length,
        compensated: outcomes.filter((o) => o.status === 'COMPENSATED').length,
        errors: run.stillRunning.length,
        secs: round(secs),
        sagas_per_s: Math.round(latencies.length / secs),
        p50_ms: pct(latencies, 50),
        p95_ms: pct(latencies, 95),
        p99_ms: pct(latencies, 99),
        max_ms: latencies.at(-1) ?? 0,
        machine_busy: `${Math.round(
          (100 * (machineAfter.busy - machineBefore.busy)) /
            Math.max(1, machineAfter.total - machineBefore.total),
        )}%`,
        processes: usage(before, after, secs),
        rss_checkpoints: checkpoints,
      };
      results.push(result);
      say(JSON.stringify(result));
      const failures = await checkDatabases(stackRun, args, index + 1);
      if (failures.length > 0 || run.stillRunning.length > 0) {
        ok = false;
        say(
          `[bench] c${level} is NOT a result: ${[...failures, `${run.stillRunning.length} sagas did not end`].join('; ')}`,
        );
        break;
      }
    }
  } finally {
    await stackRun.close();
  }
  say();
  say(formatBenchTable(results));
  const peer = args.compare ? await runPeer(args, repoRoot, say) : [];
  if (peer.length > 0) {
    say();
    say(formatRatios(results, peer));
  }
  return { results, peer, ok };
}

/** Customers with credit for every order, SKUs with stock for every order, and one empty SKU. */
function benchCatalog(orders: number): { customers: CustomerSeed[]; stock: StockSeed[] } {
  const customers = Array.from({ length: CUSTOMERS }, (_, i) => ({
    customerId: `bench-c-${i}`,
    creditLimit: 100 * Math.max(1, Math.ceil(orders / CUSTOMERS)) + 100,
  }));
  const stock = [
    ...Array.from({ length: SKUS }, (_, i) => ({
      sku: `bench-sku-${i}`,
      available: Math.max(1, Math.ceil(orders / SKUS)) + 1,
    })),
    { sku: EMPTY_SKU, available: 0 },
  ];
  return { customers, stock };
}

/** The peer's mix: customer i mod 1000, SKU i mod 500, amount 10–99, every tenth out of stock. */
function benchOrders(first: number, count: number, label: string): PlaceOrderInput[] {
  return Array.from({ length: count }, (_, n) => {
    const i = first + n;
    return {
      orderId: `${label}-${i}`,
      customerId: `bench-c-${i % CUSTOMERS}`,
      sku: i % 10 === 9 ? EMPTY_SKU : `bench-sku-${i % SKUS}`,
      quantity: 1,
      amount: 10 + (i % 90),
    };
  });
}

async function drive(
  { stack, database }: StackRun,
  orders: readonly PlaceOrderInput[],
  concurrency: number,
  onEnded: (ended: number) => void,
): ReturnType<typeof runSagas> {
  return runSagas({
    api: stack.api,
    orders,
    concurrency,
    statuses: (ids) => database.sagaStatuses(ids),
    pollIntervalMs: POLL_MS,
    drainTimeoutMs: 300_000,
    startAttempts: 20,
    onProgress: (progress) => {
      onEnded(progress.ended);
    },
  });
}

/** Every process worth watching: the stack's four, Kafka, MariaDB and Redis. */
function processPids(stack: Stack, repoRoot: string): Record<string, number> {
  const pids: Record<string, number | null> = {
    ...Object.fromEntries(STACK_PROCESSES.map((name) => [name, stack.pidOf(name)])),
    kafka: pidFromFile(join(repoRoot, 'infra', '.local', 'kafka', 'kafka.pid')),
    mariadb: findProcess(['mariadbd', 'mysqld']),
    redis: findProcess(['redis-server']),
  };
  return Object.fromEntries(
    Object.entries(pids).flatMap(([name, pid]) => (pid === null ? [] : [[name, pid]])),
  );
}

function sampleAll(pids: Readonly<Record<string, number>>): Record<string, ProcessSample> {
  return Object.fromEntries(
    Object.entries(pids).flatMap(([name, pid]) => {
      const sample = sampleProcess(pid);
      return sample === null ? [] : [[name, sample]];
    }),
  );
}

function usage(
  before: Readonly<Record<string, ProcessSample>>,
  after: Readonly<Record<string, ProcessSample>>,
  secs: number,
): Record<string, ProcessUsage> {
  return Object.fromEntries(
    Object.entries(after).flatMap(([name, end]) => {
      const start = before[name];
      if (start === undefined) return [];
      return [
        [
          name,
          {
            cpu_pct: Math.round(
              (100 * (end.cpuSeconds - start.cpuSeconds)) / Math.max(secs, 0.001),
            ),
            rss_mib: round(end.rssMiB),
          },
        ],
      ];
    }),
  );
}

/** The demo's consistency checks and the stream audit, over every saga run so far. */
async function checkDatabases(
  stackRun: StackRun,
  args: BenchArgs,
  levelsDone: number,
): Promise<string[]> {
  const total = (args.warmup + args.sagas) * levelsDone;
  const catalog = benchCatalog((args.warmup + args.sagas) * args.levels.length);
  const { outcomes: sagas, checks } = await stackRun.checkEffects(catalog.stock);
  const failures = checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.problems.join('; ')}`);
  if (sagas.length !== total) failures.push(`${total} sagas started, ${sagas.length} recorded`);
  return failures;
}

async function runPeer(
  args: BenchArgs,
  repoRoot: string,
  say: (line?: string) => void,
): Promise<Record<string, unknown>[]> {
  const script = isAbsolute(args.peerScript) ? args.peerScript : join(repoRoot, args.peerScript);
  if (!existsSync(script)) {
    say(`[bench] --compare: no peer benchmark at ${args.peerScript}; skipped`);
    return [];
  }
  say(
    `[bench] running the peer benchmark (${args.peerScript}) at ${args.levels.join(', ')} in flight…`,
  );
  const lines = await new Promise<string[]>((resolve, reject) => {
    const child = spawn('bash', [script, ...args.levels.map(String)], {
      env: { ...process.env, N: String(args.sagas), W: String(args.warmup) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('close', () => {
      resolve(out.split('\n').filter((line) => line.startsWith('{')));
    });
  });
  for (const line of lines) say(line);
  return lines.flatMap((line) => {
    try {
      return [JSON.parse(line) as Record<string, unknown>];
    } catch {
      return [];
    }
  });
}

/** One row per level: throughput, latency, machine CPU and each process's CPU and RSS. */
export function formatBenchTable(results: readonly BenchResult[]): string {
  const names = [...new Set(results.flatMap((r) => Object.keys(r.processes)))];
  return formatTable({
    header: [
      'in flight',
      'sagas/s',
      'p50 ms',
      'p95 ms',
      'p99 ms',
      'max ms',
      'machine',
      ...names.map((name) => `${name} CPU% / MiB`),
    ],
    rows: results.map((r) => [
      String(r.in_flight),
      String(r.sagas_per_s),
      String(r.p50_ms),
      String(r.p95_ms),
      String(r.p99_ms),
      String(r.max_ms),
      r.machine_busy,
      ...names.map((name) => {
        const p = r.processes[name];
        return p === undefined ? '-' : `${p.cpu_pct} / ${Math.round(p.rss_mib)}`;
      }),
    ]),
    align: [
      'right',
      'right',
      'right',
      'right',
      'right',
      'right',
      'right',
      ...names.map(() => 'right' as const),
    ],
  });
}

/** Sagaflow / peer, per level: throughput and p99 ratios. */
export function formatRatios(
  results: readonly BenchResult[],
  peer: readonly Record<string, unknown>[],
): string {
  const rows = results.flatMap((r) => {
    const other = peer.find((p) => p.in_flight === r.in_flight);
    if (other === undefined) return [];
    const throughput = Number(other.sagas_per_s);
    const p99 = Number(other.p99_ms);
    return [
      [
        String(r.in_flight),
        `${r.sagas_per_s} / ${throughput}`,
        (r.sagas_per_s / throughput).toFixed(2),
        `${r.p99_ms} / ${p99}`,
        (r.p99_ms / p99).toFixed(2),
      ],
    ];
  });
  return formatTable({
    header: ['in flight', 'sagas/s (ours / peer)', 'ratio', 'p99 ms (ours / peer)', 'ratio'],
    rows,
    align: ['right', 'right', 'right', 'right', 'right'],
  });
}

function pct(sorted: readonly number[], p: number): number {
  return sorted.length === 0 ? 0 : percentile(sorted, p);
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
