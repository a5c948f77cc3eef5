import { relative } from 'node:path';

import { type Environment } from '@sagaflow/config';
import { readInventorySnapshot, readOrders, readPaymentsSnapshot } from '@sagaflow/examples';

import { checkConsistency } from '../checks/consistency-checks';
import { type Stack, startStack } from '../stack/stack';
import { StackDatabase } from '../stack/stack-database';
import { STACK_PROCESSES } from '../stack/stack-layout';
import { lineWriter, stackInfraFromEnv } from '../stack-run';
import { demoCatalog, demoOrders } from '../workload/order-mix';
import { runSagas } from '../workload/saga-driver';
import { type DemoArgs } from './demo-args';
import { demoPassed, formatDemoSummary, summarizeDemo } from './demo-summary';
import { createProgressReporter } from './progress-reporter';

/** Where the demo writes and what environment it reads. */
export interface DemoIo {
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
  /** `SAGAFLOW_KAFKA_BROKERS`, `SAGAFLOW_MYSQL_*` and `SAGAFLOW_REDIS_URL` locate the services. */
  readonly env: Environment;
}

/** EventProcess jobs each process runs at once in the demo. */
const DEMO_WORKER_CONCURRENCY = 16;
/** Exit code after Ctrl-C during a run (128 + SIGINT). */
const INTERRUPTED = 130;

/**
 * The demo: resets its own state, starts the orchestrator and the three services as
 * separate processes (demo databases, `sagaflow.demo.` topics, ports 8080–8083 when free),
 * seeds customers and SKUs, runs `args.sagas` place-order sagas at most `args.concurrency` at
 * once with a progress display, prints the summary and the consistency checks, then either
 * stops (`--once`; exit code 1 if a saga did not end or a check failed) or keeps the services
 * up until SIGINT/SIGTERM. Resolves with the exit code.
 *
 * @example
 * ```ts
 * process.exitCode = await runDemo(parseDemoArgs(process.argv.slice(2)), { stdout: process.stdout, stderr: process.stderr, env: process.env });
 * ```
 */
export async function runDemo(args: DemoArgs, io: DemoIo): Promise<number> {
  const say = lineWriter(io.stdout);
  const infra = stackInfraFromEnv('demo', io.env);
  const signals = signalListener();
  say('Resetting the demo state (databases sagaflow, sagaflow_orders, sagaflow_payments,');
  say('sagaflow_inventory; topics and groups "sagaflow.demo.*"; Redis keys "sagaflow:demo:*")');
  say('and starting the orchestrator and the order, payment and inventory services…');
  const startedMs = Date.now();
  const stack = await startStack({
    mode: 'demo',
    infra,
    // Each process waits on MySQL and Kafka most of the time: more jobs in flight than the
    // default 4 keep the two cores busy (about 50 % more sagas per second here).
    commonEnv: { SAGAFLOW_WORKER_CONCURRENCY: String(DEMO_WORKER_CONCURRENCY) },
  });
  let database: StackDatabase | null = null;
  try {
    say(`Stack ready in ${((Date.now() - startedMs) / 1000).toFixed(1)} s.`);
    const catalog = demoCatalog(args.sagas);
    await stack.seed(catalog);
    const orders = demoOrders({ count: args.sagas, seed: args.seed, orderIdPrefix: 'order-' });
    say(
      `Seeded ${catalog.customers.length} customers (4 with a credit limit of 100) and ` +
        `${catalog.stock.length} SKUs (2 with 6 units). Running ${orders.length} place-order sagas, ` +
        `at most ${args.concurrency} at once:`,
    );
    const db = await StackDatabase.open(stack.databaseTarget('orchestrator'));
    database = db;
    const reporter = createProgressReporter(io.stdout);
    const run = runSagas({
      api: stack.api,
      orders,
      concurrency: args.concurrency,
      statuses: (ids) => db.sagaStatuses(ids),
      onProgress: (progress) => {
        reporter.update(progress);
      },
    });
    const first = await Promise.race([run, signals.next]);
    reporter.stop();
    if (typeof first === 'string') {
      say(`${first}: stopping the services…`);
      await stack.stopAll();
      return INTERRUPTED;
    }
    const [outcomes, payments, inventory, placed] = await Promise.all([
      db.placeOrderOutcomes(),
      readPaymentsSnapshot(stack.databaseTarget('payment-service')),
      readInventorySnapshot(stack.databaseTarget('inventory-service')),
      readOrders(stack.databaseTarget('order-service')),
    ]);
    const checks = checkConsistency({
      sagas: outcomes,
      payments,
      inventory,
      orders: placed,
      seededStock: new Map(catalog.stock.map((s) => [s.sku, s.available])),
    });
    const summary = summarizeDemo(outcomes, {
      concurrency: args.concurrency,
      wallMs: first.finishedAt.getTime() - first.startedAt.getTime(),
      checks,
    });
    say();
    say(formatDemoSummary(summary));
    say();
    const passed = demoPassed(summary);
    if (args.once) {
      say(passed ? 'Every saga ended and every check passed.' : 'The demo FAILED (see above).');
      say(`Stopping the services (their logs: ${relative(process.cwd(), stack.runDir)}/).`);
      await stack.stopAll();
      return passed ? 0 : 1;
    }
    printWhereToLook(stack, say);
    const signal = await signals.next;
    say(`${signal}: stopping the services…`);
    await stack.stopAll();
    say('Stopped.');
    return 0;
  } catch (error: unknown) {
    await stack.stopAll().catch((stopError: unknown) => {
      io.stderr.write(`stopping the services failed too: ${String(stopError)}\n`);
    });
    throw error;
  } finally {
    await database?.close();
    signals.dispose();
  }
}

function printWhereToLook(stack: Stack, say: (line?: string) => void): void {
  const api = stack.url('orchestrator');
  const rows: [string, string][] = [
    ['orchestrator API', `${api}  (Authorization: Bearer ${stack.apiToken}, this run's token)`],
    ['  sagas', `${api}/sagas?limit=20  (one saga: /sagas/<id>, its events: /sagas/<id>/events)`],
    ['  stats', `${api}/stats`],
    ['  metrics', `${api}/metrics`],
    ['  definitions', `${api}/definitions/place-order/1/graph?format=mermaid`],
    ['  dead letters', `${api}/dead-letters`],
    ...STACK_PROCESSES.filter((name) => name !== 'orchestrator').map((name): [string, string] => [
      name,
      `${stack.url(name)}/stats`,
    ]),
    ['logs', `${relative(process.cwd(), stack.runDir)}/ (one JSON-lines file per process)`],
    ['databases', STACK_PROCESSES.map((name) => stack.database(name)).join(', ')],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  say('The services keep running for inspection; Ctrl-C stops them.');
  for (const [label, value] of rows) say(`  ${label.padEnd(width)}  ${value}`);
}

/**
 * The next SIGINT or SIGTERM, as a promise. A second signal, while the first is being
 * handled, exits at once with code 1 (the stack's exit hook kills the children).
 */
function signalListener(): { next: Promise<NodeJS.Signals>; dispose: () => void } {
  let received = false;
  let resolveNext: (signal: NodeJS.Signals) => void = () => undefined;
  const next = new Promise<NodeJS.Signals>((resolve) => {
    resolveNext = resolve;
  });
  const onSignal = (signal: NodeJS.Signals) => {
    if (received) process.exit(1);
    received = true;
    resolveNext(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    next,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
