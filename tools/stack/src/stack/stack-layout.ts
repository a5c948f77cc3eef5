import { safeName } from '@sagaflow/config';

/** The processes of a stack: the orchestrator and the three example services. */
export const STACK_PROCESSES = [
  'orchestrator',
  'order-service',
  'payment-service',
  'inventory-service',
] as const;

/** One of {@link STACK_PROCESSES}. */
export type StackProcessName = (typeof STACK_PROCESSES)[number];

/**
 * A running process of a stack: one of {@link STACK_PROCESSES}, or `orchestrator-2`, the
 * second orchestrator instance of a stack started with `orchestrators: 2`. It shares the
 * orchestrator's database, Redis keys, topics and consumer group, with an instance id of
 * its own.
 */
export type StackInstanceName = StackProcessName | 'orchestrator-2';

/** The process whose database, keys and code an instance runs with. */
export function roleOf(instance: StackInstanceName): StackProcessName {
  return instance === 'orchestrator-2' ? 'orchestrator' : instance;
}

/**
 * What a stack is for. `test`: every name carries the run id, so runs never meet, and the
 * run's resources are removed afterwards. `demo`: the default database names and a fixed
 * `sagaflow.demo.` topic prefix, reset at the start of each demo and kept afterwards for
 * inspection.
 */
export type StackMode = 'test' | 'demo';

/** Where each process keeps its state: databases, topics, Redis keys and BullMQ queues. */
export interface StackLayout {
  readonly mode: StackMode;
  /** `demo`, or `<pid>_<random>` for a test run (the pid lets a later run sweep it up). */
  readonly runId: string;
  /** Prefix of every topic and consumer group of the run. */
  readonly topicPrefix: string;
  /** Prefix of every Redis cache key of the run (each process adds `<process>:`). */
  readonly redisKeyRoot: string;
  /** The BullMQ queue names' prefix: {@link redisKeyRoot} with `:` turned into `-`. */
  readonly queueRoot: string;
  readonly processes: Readonly<Record<StackProcessName, ProcessLayout>>;
}

/** One process's share of a {@link StackLayout}. */
export interface ProcessLayout {
  readonly database: string;
  readonly redisKeyPrefix: string;
  /** The port it prefers (demo); `null` to take any free port. */
  readonly preferredPort: number | null;
  /** Its relay's transactional id suffix: stable across restarts, so a restart fences the killed one. */
  readonly instanceId: string;
}

/** Start of the names of every test run's resources: `sfe2e_<pid>_…`, `sfe2e.<pid>.…`, `sfe2e:<pid>:…`. */
export const TEST_RUN_MARK = 'sfe2e';

const SHORT_NAMES: Readonly<Record<StackProcessName, string>> = {
  orchestrator: 'orch',
  'order-service': 'orders',
  'payment-service': 'payments',
  'inventory-service': 'inventory',
};

const DEMO_DATABASES: Readonly<Record<StackProcessName, string>> = {
  orchestrator: 'sagaflow',
  'order-service': 'sagaflow_orders',
  'payment-service': 'sagaflow_payments',
  'inventory-service': 'sagaflow_inventory',
};

const DEMO_PORTS: Readonly<Record<StackProcessName, number>> = {
  orchestrator: 8080,
  'order-service': 8081,
  'payment-service': 8082,
  'inventory-service': 8083,
};

/**
 * The names a stack uses. A test run's names all carry `<pid>_<random>`, so concurrent runs
 * never share a database, topic, consumer group, Redis key or queue, and a run whose process
 * died can be recognised and swept up later ({@link parseTestRunId}).
 *
 * @example
 * ```ts
 * stackLayout('test', '4242_a1b2c3').processes['payment-service'].database; // 'sfe2e_4242_a1b2c3_payments'
 * stackLayout('demo', 'demo').topicPrefix; // 'sagaflow.demo.'
 * ```
 */
export function stackLayout(mode: StackMode, runId: string): StackLayout {
  const layout = (
    process: StackProcessName,
    database: string,
    redisKeyRoot: string,
    preferredPort: number | null,
  ): ProcessLayout => ({
    database,
    redisKeyPrefix: `${redisKeyRoot}${process}:`,
    preferredPort,
    instanceId: `${mode === 'demo' ? 'demo' : `${TEST_RUN_MARK}-${runId}`}-${SHORT_NAMES[process]}`,
  });
  const redisKeyRoot =
    mode === 'demo' ? 'sagaflow:demo:' : `${TEST_RUN_MARK}:${runId.replace('_', ':')}:`;
  const processes = Object.fromEntries(
    STACK_PROCESSES.map((process) => [
      process,
      mode === 'demo'
        ? layout(process, DEMO_DATABASES[process], redisKeyRoot, DEMO_PORTS[process])
        : layout(process, `${TEST_RUN_MARK}_${runId}_${SHORT_NAMES[process]}`, redisKeyRoot, null),
    ]),
  ) as Record<StackProcessName, ProcessLayout>;
  return {
    mode,
    runId,
    topicPrefix:
      mode === 'demo' ? 'sagaflow.demo.' : `${TEST_RUN_MARK}.${runId.replace('_', '.')}.`,
    redisKeyRoot,
    queueRoot: safeName(redisKeyRoot),
    processes,
  };
}

const TEST_RUN_ID = /^(\d{1,10})_([0-9a-f]{6})$/;

/** A new test run id, `<pid>_<6 hex digits>`, from the process id and random bytes. */
export function newTestRunId(pid: number, randomHex: string): string {
  const runId = `${pid}_${randomHex.slice(0, 6)}`;
  if (!TEST_RUN_ID.test(runId)) {
    throw new RangeError(`not a test run id: ${runId} (pid ${pid}, random ${randomHex})`);
  }
  return runId;
}

/**
 * The test run a resource name belongs to, from a database (`sfe2e_<pid>_<random>_…`), topic
 * or consumer group (`sfe2e.<pid>.<random>.…`), Redis key (`sfe2e:<pid>:<random>:…`) or BullMQ
 * key (`bull:sfe2e-<pid>-<random>-…`); null for any other name.
 *
 * @example
 * ```ts
 * parseTestRunId('sfe2e.4242.a1b2c3.saga.replies'); // { runId: '4242_a1b2c3', pid: 4242 }
 * ```
 */
export function parseTestRunId(name: string): { runId: string; pid: number } | null {
  const match = /^(?:bull:)?sfe2e[_.:-](\d{1,10})[_.:-]([0-9a-f]{6})(?:[_.:-]|$)/.exec(name);
  if (match === null) return null;
  const [, pid, random] = match;
  if (pid === undefined || random === undefined) return null;
  return { runId: `${pid}_${random}`, pid: Number(pid) };
}
