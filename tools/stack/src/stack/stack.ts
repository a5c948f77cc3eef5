import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import { INFRA_DEFAULTS, LOG_LEVELS, type LogLevel } from '@sagaflow/config';
import { checkOptions, errorMessage, isPositiveInteger } from '@sagaflow/core';
import {
  type CustomerSeed,
  seedCustomers,
  seedStock,
  type ServiceDatabaseConnection,
  type StockSeed,
} from '@sagaflow/examples';

import { livePidsOf, sweepAbandonedRuns } from './abandoned-runs';
import { freePort } from './free-port';
import { OrchestratorClient } from './orchestrator-client';
import { findRepoRoot } from './repo-root';
import { StackError, StackErrorCode } from './stack-error';
import {
  newTestRunId,
  STACK_PROCESSES,
  type StackLayout,
  stackLayout,
  type StackMode,
  roleOf,
  type StackInstanceName,
  type StackProcessName,
} from './stack-layout';
import { type ProcessExit, StackProcess } from './stack-process';
import {
  createDatabases,
  deleteKafkaResources,
  deleteRedisKeys,
  dropDatabases,
  type StackInfra,
} from './stack-resources';

/** Options of {@link startStack}. */
export interface StackOptions {
  /**
   * `test`: every name carries a run id, abandoned test runs are swept first, and
   * {@link Stack.cleanup} removes the run's databases, topics, groups and Redis keys.
   * `demo`: the default databases (`sagaflow`, `sagaflow_orders`, `sagaflow_payments`,
   * `sagaflow_inventory`), topic prefix `sagaflow.demo.`, Redis prefix `sagaflow:demo:`, ports
   * 8080–8083 when free; all of it is reset first (dropped, deleted) and kept afterwards.
   * @defaultValue `'test'`
   */
  readonly mode?: StackMode;
  /** Kafka, MySQL and Redis. @defaultValue the local services (`INFRA_DEFAULTS`) */
  readonly infra?: Partial<StackInfra>;
  /** Variables given to every process, over the stack's own. @defaultValue `{}` */
  readonly commonEnv?: Readonly<Record<string, string>>;
  /**
   * Variables given to one process, over everything else, e.g. the place-order saga's
   * `SAGAFLOW_PLACE_ORDER_STEP_TIMEOUT_MS` for the orchestrator. @defaultValue `{}`
   */
  readonly env?: Partial<Record<StackProcessName, Readonly<Record<string, string>>>>;
  /** `SAGAFLOW_LOG_LEVEL` of the processes. @defaultValue `'info'` */
  readonly logLevel?: LogLevel;
  /** Partitions of the topics the processes create. @defaultValue `3` */
  readonly topicPartitions?: number;
  /**
   * How long a process may take to answer `/ready`. A process started again after SIGKILL
   * joins its consumer group only once Kafka expired the killed member's session (10 s).
   * @defaultValue `90000`
   */
  readonly readyTimeoutMs?: number;
  /** How long a graceful stop (SIGTERM) may take before the process is killed. @defaultValue `40000` */
  readonly stopTimeoutMs?: number;
  /**
   * Orchestrator instances: `2` adds `orchestrator-2`, in the same consumer group, sharing
   * the work (and the database) with the first. @defaultValue `1`
   */
  readonly orchestrators?: 1 | 2;
}

/** {@link StackOptions} with every default applied. */
export interface ResolvedStackOptions {
  readonly mode: StackMode;
  readonly infra: StackInfra;
  readonly commonEnv: Readonly<Record<string, string>>;
  readonly env: Partial<Record<StackProcessName, Readonly<Record<string, string>>>>;
  readonly logLevel: LogLevel;
  readonly topicPartitions: number;
  readonly readyTimeoutMs: number;
  readonly stopTimeoutMs: number;
  readonly orchestrators: 1 | 2;
}

/**
 * Applies the defaults of {@link StackOptions} and validates them; throws `InvalidArgumentError`
 * naming every bad field and its value.
 */
export function resolveStackOptions(options: StackOptions): ResolvedStackOptions {
  const d = INFRA_DEFAULTS;
  const o: ResolvedStackOptions = {
    mode: options.mode ?? 'test',
    infra: {
      kafkaBrokers: options.infra?.kafkaBrokers ?? d.kafka.brokers,
      mysql: options.infra?.mysql ?? {
        host: d.mysql.host,
        port: d.mysql.port,
        user: d.mysql.user,
        password: d.mysql.password,
        driver: d.mysql.driver,
      },
      redisUrl: options.infra?.redisUrl ?? d.redis.url,
    },
    commonEnv: options.commonEnv ?? {},
    env: options.env ?? {},
    logLevel: options.logLevel ?? 'info',
    topicPartitions: options.topicPartitions ?? d.topics.partitions,
    readyTimeoutMs: options.readyTimeoutMs ?? 90_000,
    stopTimeoutMs: options.stopTimeoutMs ?? 40_000,
    orchestrators: options.orchestrators ?? 1,
  };
  checkOptions('startStack', [
    ['mode', o.mode, STACK_MODES.includes(o.mode), "'test' or 'demo'"],
    [
      'infra.kafkaBrokers',
      o.infra.kafkaBrokers,
      o.infra.kafkaBrokers.length > 0,
      'a non-empty list of host:port',
    ],
    ['infra.redisUrl', o.infra.redisUrl, /^rediss?:\/\//.test(o.infra.redisUrl), 'a redis:// URL'],
    [
      'env',
      Object.keys(o.env),
      Object.keys(o.env).every((name) => (STACK_PROCESSES as readonly string[]).includes(name)),
      `keys among ${STACK_PROCESSES.join(', ')}`,
    ],
    ['logLevel', o.logLevel, LOG_LEVELS.includes(o.logLevel), `one of ${LOG_LEVELS.join(', ')}`],
    ['topicPartitions', o.topicPartitions, isPositiveInteger(o.topicPartitions), 'an integer > 0'],
    ['readyTimeoutMs', o.readyTimeoutMs, isPositiveInteger(o.readyTimeoutMs), 'an integer > 0'],
    ['stopTimeoutMs', o.stopTimeoutMs, isPositiveInteger(o.stopTimeoutMs), 'an integer > 0'],
    ['orchestrators', o.orchestrators, ORCHESTRATOR_COUNTS.includes(o.orchestrators), '1 or 2'],
  ]);
  return o;
}

/** The running orchestrator and example services, and what they use. */
export interface Stack {
  readonly layout: StackLayout;
  readonly infra: StackInfra;
  /** Where the processes' logs are (`<process>.log`, JSON lines). */
  readonly runDir: string;
  /** The orchestrator's HTTP API, with the run's token. */
  readonly api: OrchestratorClient;
  /**
   * The API token of this run (role `operator`, name `stack`), new each start: the
   * orchestrators get its hash in `SAGAFLOW_API_TOKENS`; {@link api} sends it. For requests
   * of your own: `Authorization: Bearer <apiToken>`.
   */
  readonly apiToken: string;
  /** The running instances: the four processes, and `orchestrator-2` when there are two. */
  readonly instances: readonly StackInstanceName[];
  /** An orchestrator instance's HTTP API. */
  apiOf(name: 'orchestrator' | 'orchestrator-2'): OrchestratorClient;
  /** Base URL of a process's HTTP server. */
  url(name: StackInstanceName): string;
  /** A process's database. */
  database(name: StackProcessName): string;
  /** Where a process's database is, for `seedCustomers`, `readOrders` and the like. */
  databaseTarget(name: StackProcessName): ServiceDatabaseConnection;
  logFile(name: StackInstanceName): string;
  /** The last lines of a process's log. */
  logTail(name: StackInstanceName, lines?: number): string;
  isRunning(name: StackInstanceName): boolean;
  /** A running process's pid, else null. */
  pidOf(name: StackInstanceName): number | null;
  /** Creates or updates customers (payment-service) and stock levels (inventory-service). */
  seed(seeds: {
    readonly customers?: readonly CustomerSeed[];
    readonly stock?: readonly StockSeed[];
  }): Promise<void>;
  /**
   * Sends a signal and waits for the process to exit: SIGKILL for a crash, SIGTERM for a
   * graceful stop (killed after the stop timeout, with an error).
   */
  kill(name: StackInstanceName, signal: 'SIGKILL' | 'SIGTERM'): Promise<ProcessExit | null>;
  /**
   * Freezes a running process (SIGSTOP): it holds its connections but does nothing, like a
   * participant stuck in a long GC pause or a saturated host. {@link resume} thaws it.
   */
  pause(name: StackInstanceName): void;
  /** Thaws a process frozen by {@link pause} (SIGCONT). */
  resume(name: StackInstanceName): void;
  /** Stops the process if it runs (gracefully), starts it again and waits until it is ready. */
  restart(name: StackInstanceName): Promise<void>;
  /**
   * Stops every running process gracefully (SIGTERM), in parallel, each within the stop
   * timeout. Idempotent. @throws StackError when one had to be killed or exited with a code
   * other than 0 (the others are stopped anyway).
   */
  stopAll(): Promise<void>;
  /**
   * Stops every process, then (test mode) drops the run's databases and deletes its topics,
   * consumer groups and Redis keys. The logs stay in {@link runDir} until a later run sweeps
   * them. Idempotent; safe after a failed start.
   */
  cleanup(): Promise<void>;
}

const ENTRY_POINTS = {
  orchestrator: 'apps/orchestrator/dist/main.js',
  services: 'apps/examples/dist/main.js',
  sagas: 'apps/examples/dist/place-order/index.js',
} as const;

const STACK_MODES: readonly string[] = ['test', 'demo'] satisfies StackMode[];
const ORCHESTRATOR_COUNTS: readonly number[] = [1, 2];
/** The module the orchestrator loads the place-order saga from. */
const SAGAS_MODULE = '@sagaflow/examples/sagas';
const HOST = '127.0.0.1';
/** How long the exit of a SIGKILLed process may take to be reported. */
const KILL_TIMEOUT_MS = 10_000;
/** The name of the run's API token: the actor of the actions the stack's clients take. */
const API_TOKEN_NAME = 'stack';

/**
 * Starts the orchestrator (`apps/orchestrator/dist/main.js`, loading the place-order saga from
 * `@sagaflow/examples/sagas`) and the order, payment and inventory services
 * (`apps/examples/dist/main.js <service>`) as separate child processes, from the built output,
 * each with its own database, Redis key prefix, HTTP port and log file, all on one topic
 * prefix; resolves once every `/ready` answers 200. Build first:
 * `npx nx run-many -t build -p @sagaflow/orchestrator @sagaflow/examples`.
 *
 * The orchestrators accept one API token, made for the run ({@link Stack.apiToken}, an
 * `operator`), and no write rate limit (`SAGAFLOW_API_WRITE_RATE_LIMIT=0`: the drivers
 * start sagas by the thousand); `env` may set other values.
 *
 * The children are killed if this process exits without stopping them. On a failed start,
 * what was started is stopped and the run's resources are removed.
 *
 * @example
 * ```ts
 * const stack = await startStack({ env: { orchestrator: { SAGAFLOW_PLACE_ORDER_STEP_TIMEOUT_MS: '2000' } } });
 * try {
 *   await stack.seed({ customers: [{ customerId: 'c-1', creditLimit: 500 }], stock: [{ sku: 's-1', available: 10 }] });
 *   const { sagaId } = await stack.api.startSaga({ sagaType: 'place-order', input, businessKey: input.orderId });
 *   await stack.api.waitForStatus(sagaId, ['COMPLETED'], 30_000);
 * } finally {
 *   await stack.cleanup();
 * }
 * ```
 */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const o = resolveStackOptions(options);
  const repoRoot = findRepoRoot(__dirname);
  const missing = Object.values(ENTRY_POINTS).filter((path) => !existsSync(join(repoRoot, path)));
  if (missing.length > 0) {
    throw new StackError(
      StackErrorCode.NotBuilt,
      `not built: ${missing.join(', ')} — run npx nx run-many -t build -p @sagaflow/orchestrator @sagaflow/examples`,
    );
  }
  const runsDir = join(repoRoot, 'infra', '.local', 'runs');
  const runId =
    o.mode === 'demo' ? 'demo' : newTestRunId(process.pid, randomBytes(3).toString('hex'));
  const layout = stackLayout(o.mode, runId);
  const runDir = join(runsDir, o.mode === 'demo' ? 'demo' : `sfe2e_${runId}`);
  const databases = STACK_PROCESSES.map((name) => layout.processes[name].database);

  const removeResources = async (): Promise<void> => {
    await dropDatabases(o.infra, databases);
    await deleteKafkaResources(o.infra, (name) => name.startsWith(layout.topicPrefix));
    await deleteRedisKeys(o.infra.redisUrl, [
      `${layout.redisKeyRoot}*`,
      `bull:${layout.queueRoot}*`,
    ]);
  };

  if (o.mode === 'test') {
    await sweepAbandonedRuns(o.infra, runsDir, process.pid);
  } else {
    const running = livePidsOf(runDir);
    if (running.length > 0) {
      throw new StackError(
        StackErrorCode.BadRequest,
        `a demo is running already (processes ${running.join(', ')}): stop it first (Ctrl-C in its terminal)`,
      );
    }
    // A clean demo: this stack's own databases, topics, groups and keys, and nothing else.
    await removeResources();
    if (existsSync(runDir)) {
      for (const file of readdirSync(runDir)) rmSync(join(runDir, file), { force: true });
    }
  }
  mkdirSync(runDir, { recursive: true });
  await createDatabases(o.infra, databases);

  const instances: StackInstanceName[] = [
    ...STACK_PROCESSES,
    ...(o.orchestrators === 2 ? (['orchestrator-2'] as const) : []),
  ];
  const apiToken = `sf_${randomBytes(32).toString('base64url')}`;
  const apiTokenHash = createHash('sha256').update(apiToken).digest('hex');
  const processes = new Map<StackInstanceName, StackProcess>();
  for (const name of instances) {
    const preferred = name === 'orchestrator-2' ? null : layout.processes[name].preferredPort;
    const port = await freePort(HOST, preferred);
    processes.set(name, new StackProcess(processSpec(name, port)));
  }
  function processSpec(name: StackInstanceName, port: number) {
    const role = roleOf(name);
    const own = layout.processes[role];
    const inherited = Object.fromEntries(
      Object.entries(process.env).filter(
        (entry): entry is [string, string] =>
          entry[1] !== undefined && !entry[0].startsWith('SAGAFLOW_'),
      ),
    );
    const { mysql } = o.infra;
    return {
      name,
      script: join(
        repoRoot,
        role === 'orchestrator' ? ENTRY_POINTS.orchestrator : ENTRY_POINTS.services,
      ),
      args: role === 'orchestrator' ? [] : [role],
      cwd: repoRoot,
      env: {
        ...inherited,
        KAFKAJS_NO_PARTITIONER_WARNING: '1',
        SAGAFLOW_LOG_LEVEL: o.logLevel,
        SAGAFLOW_HTTP_HOST: HOST,
        SAGAFLOW_HTTP_PORT: String(port),
        SAGAFLOW_KAFKA_BROKERS: o.infra.kafkaBrokers.join(','),
        SAGAFLOW_MYSQL_HOST: mysql.host,
        SAGAFLOW_MYSQL_PORT: String(mysql.port),
        SAGAFLOW_MYSQL_USER: mysql.user,
        SAGAFLOW_MYSQL_PASSWORD: mysql.password,
        SAGAFLOW_MYSQL_DRIVER: mysql.driver,
        SAGAFLOW_MYSQL_DATABASE: own.database,
        SAGAFLOW_REDIS_URL: o.infra.redisUrl,
        SAGAFLOW_REDIS_KEY_PREFIX: own.redisKeyPrefix,
        SAGAFLOW_TOPIC_PREFIX: layout.topicPrefix,
        SAGAFLOW_TOPIC_PARTITIONS: String(o.topicPartitions),
        SAGAFLOW_INSTANCE_ID: name === 'orchestrator-2' ? `${own.instanceId}2` : own.instanceId,
        ...(role === 'orchestrator'
          ? {
              SAGAFLOW_SAGAS_MODULE: SAGAS_MODULE,
              SAGAFLOW_API_TOKENS: `${API_TOKEN_NAME}:operator:${apiTokenHash}`,
              SAGAFLOW_API_WRITE_RATE_LIMIT: '0',
            }
          : {}),
        ...o.commonEnv,
        ...o.env[role],
      },
      logFile: join(runDir, `${name}.log`),
      pidFile: join(runDir, `${name}.pid`),
      url: `http://${HOST}:${port}`,
      detached: o.mode === 'demo',
    };
  }

  const proc = (name: StackInstanceName): StackProcess => {
    const found = processes.get(name);
    if (found === undefined) {
      throw new StackError(StackErrorCode.BadRequest, `no process '${name}' in the stack`);
    }
    return found;
  };
  // Children must not outlive this process, whatever ends it.
  const killAllNow = (): void => {
    for (const child of processes.values()) child.killNow();
  };
  process.on('exit', killAllNow);

  const stopAll = async (): Promise<void> => {
    const results = await Promise.allSettled(
      [...processes.values()].map((child) => child.stop(o.stopTimeoutMs)),
    );
    const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failures.length > 0) {
      const timedOut = failures.some(
        (f) => f.reason instanceof StackError && f.reason.code === StackErrorCode.StopTimeout,
      );
      throw new StackError(
        timedOut ? StackErrorCode.StopTimeout : StackErrorCode.Exited,
        failures.map((f) => errorMessage(f.reason)).join('\n'),
        { cause: new AggregateError(failures.map((f) => f.reason as unknown)) },
      );
    }
  };

  let cleaned: Promise<void> | null = null;
  const cleanup = (): Promise<void> => {
    cleaned ??= (async () => {
      const errors: unknown[] = [];
      await stopAll().catch((error: unknown) => errors.push(error));
      killAllNow();
      process.off('exit', killAllNow);
      if (o.mode === 'test') await removeResources().catch((error: unknown) => errors.push(error));
      if (errors.length > 0) {
        throw new StackError(
          StackErrorCode.CleanupFailed,
          `cleaning up run ${runId} failed: ${errors.map((e) => errorMessage(e)).join('; ')}`,
          { cause: new AggregateError(errors) },
        );
      }
    })();
    return cleaned;
  };

  const stack: Stack = {
    layout,
    infra: o.infra,
    runDir,
    api: new OrchestratorClient(proc('orchestrator').spec.url, { token: apiToken }),
    apiToken,
    instances,
    apiOf: (name) => new OrchestratorClient(proc(name).spec.url, { token: apiToken }),
    url: (name) => proc(name).spec.url,
    database: (name) => layout.processes[name].database,
    databaseTarget: (name) => ({
      database: layout.processes[name].database,
      host: o.infra.mysql.host,
      port: o.infra.mysql.port,
      user: o.infra.mysql.user,
      password: o.infra.mysql.password,
      driver: o.infra.mysql.driver,
    }),
    logFile: (name) => proc(name).spec.logFile,
    logTail: (name, lines) => proc(name).logTail(lines),
    isRunning: (name) => proc(name).running,
    pidOf: (name) => proc(name).pid,
    seed: async ({ customers = [], stock = [] }) => {
      await seedCustomers(stack.databaseTarget('payment-service'), customers);
      await seedStock(stack.databaseTarget('inventory-service'), stock);
    },
    kill: (name, signal) =>
      proc(name).kill(signal, signal === 'SIGKILL' ? KILL_TIMEOUT_MS : o.stopTimeoutMs),
    pause: (name) => {
      proc(name).signal('SIGSTOP');
    },
    resume: (name) => {
      proc(name).signal('SIGCONT');
    },
    restart: async (name) => {
      const child = proc(name);
      await child.stop(o.stopTimeoutMs);
      child.start();
      await child.waitReady(o.readyTimeoutMs);
    },
    stopAll,
    cleanup,
  };

  try {
    for (const child of processes.values()) child.start();
    await Promise.all([...processes.values()].map((child) => child.waitReady(o.readyTimeoutMs)));
  } catch (error: unknown) {
    const cleanupError = await cleanup().then(
      () => null,
      (failure: unknown) => failure,
    );
    if (cleanupError === null) throw error;
    throw new StackError(
      StackErrorCode.CleanupFailed,
      `the stack did not start (${errorMessage(error)}), and cleaning up after it failed: ${errorMessage(cleanupError)}`,
      { cause: new AggregateError([error, cleanupError]) },
    );
  }
  return stack;
}
