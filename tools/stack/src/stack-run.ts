import {
  type Environment,
  kafkaEnv,
  type LogLevel,
  mysqlEnv,
  readEnv,
  redisEnv,
} from '@sagaflow/config';
import {
  loadPlaceOrderSagaOptions,
  placeOrderSaga,
  readInventorySnapshot,
  readOrders,
  readPaymentsSnapshot,
  type StockSeed,
} from '@sagaflow/examples';

import {
  type ConsistencyCheck,
  checkConsistency,
  type PlaceOrderOutcome,
} from './checks/consistency-checks';
import { checkSagaStreams } from './checks/stream-checks';
import { type Stack, startStack } from './stack/stack';
import { StackDatabase } from './stack/stack-database';
import { type StackInfra } from './stack/stack-resources';

/** Where a run of the benchmark or the chaos run writes and what environment it reads. */
export interface StackRunIo {
  readonly stdout: NodeJS.WritableStream;
  /** `SAGAFLOW_KAFKA_BROKERS`, `SAGAFLOW_MYSQL_*` and `SAGAFLOW_REDIS_URL` locate the services. */
  readonly env: Environment;
}

/** The commands that start a stack: each reads the environment under its own name. */
export type StackTool = 'demo' | 'bench' | 'chaos';

/** Options of {@link StackRun.start}. */
export interface StackRunOptions {
  readonly tool: Exclude<StackTool, 'demo'>;
  /** Orchestrator instances (see `StackOptions.orchestrators`). @defaultValue `1` */
  readonly orchestrators?: 1 | 2;
  /** `SAGAFLOW_LOG_LEVEL` of the processes. @defaultValue `'info'` */
  readonly logLevel?: LogLevel;
}

/** What the place-order sagas of a run left, and the checks of it. */
export interface StackRunEffects {
  /** Every place-order saga recorded, oldest first. */
  readonly outcomes: readonly PlaceOrderOutcome[];
  /** The participants' effects against the outcomes, then the event-stream audit. */
  readonly checks: readonly ConsistencyCheck[];
}

/** EventProcess jobs each process runs at once, as in the demo. */
const WORKER_CONCURRENCY = 16;

/**
 * Where Kafka, MySQL and Redis are for `tool`'s run, from `SAGAFLOW_KAFKA_BROKERS`,
 * `SAGAFLOW_MYSQL_*` and `SAGAFLOW_REDIS_URL` (the local services when unset).
 * @throws InvalidArgumentError (`CONFIG_INVALID`) listing every bad variable.
 */
export function stackInfraFromEnv(tool: StackTool, env: Environment): StackInfra {
  const config = readEnv(
    {
      kafka: kafkaEnv({ clientId: `sagaflow-${tool}` }),
      mysql: mysqlEnv({ database: 'sagaflow' }),
      redis: redisEnv({ keyPrefix: `sagaflow:${tool}:` }),
    },
    env,
  );
  return { kafkaBrokers: config.kafka.brokers, mysql: config.mysql, redisUrl: config.redis.url };
}

/** A function that writes one line (an empty one by default) to `stdout`. */
export function lineWriter(stdout: NodeJS.WritableStream): (line?: string) => void {
  return (line = '') => {
    stdout.write(`${line}\n`);
  };
}

/**
 * The stack of one benchmark or chaos run: the orchestrator(s) and the three example services
 * in test mode (names of their own, 16 EventProcess jobs at once per process), with
 * the orchestrator's database open; what the sagas left is read and checked with
 * {@link StackRun.checkEffects}.
 *
 * @example
 * ```ts
 * const run = await StackRun.start({ tool: 'bench' }, io);
 * try {
 *   await run.stack.seed(catalog);
 *   const { checks } = await run.checkEffects(catalog.stock);
 * } finally {
 *   await run.close();
 * }
 * ```
 */
export class StackRun {
  /** The running processes. */
  readonly stack: Stack;
  /** The orchestrator's database: saga statuses, outcomes and event streams. */
  readonly database: StackDatabase;

  private constructor(stack: Stack, database: StackDatabase) {
    this.stack = stack;
    this.database = database;
  }

  /** Reads the environment, says what it starts, starts the stack and opens its database. */
  static async start(options: StackRunOptions, io: StackRunIo): Promise<StackRun> {
    const infra = stackInfraFromEnv(options.tool, io.env);
    const orchestrators = options.orchestrators ?? 1;
    lineWriter(io.stdout)(
      `Starting ${orchestrators === 2 ? 'two orchestrators' : 'the orchestrator'} and the order, payment and inventory services…`,
    );
    const stack = await startStack({
      mode: 'test',
      orchestrators,
      infra,
      commonEnv: { SAGAFLOW_WORKER_CONCURRENCY: String(WORKER_CONCURRENCY) },
      logLevel: options.logLevel ?? 'info',
    });
    return new StackRun(stack, await StackDatabase.open(stack.databaseTarget('orchestrator')));
  }

  /**
   * Reads what the place-order sagas left (their outcomes, the participants' state, every
   * stored event stream) and checks it: the participants' effects against the outcomes, with
   * `seededStock` the stock levels the run seeded, and the streams against the decider's
   * invariants.
   */
  async checkEffects(seededStock: readonly StockSeed[]): Promise<StackRunEffects> {
    const [outcomes, payments, inventory, orders, streams] = await Promise.all([
      this.database.placeOrderOutcomes(),
      readPaymentsSnapshot(this.stack.databaseTarget('payment-service')),
      readInventorySnapshot(this.stack.databaseTarget('inventory-service')),
      readOrders(this.stack.databaseTarget('order-service')),
      this.database.sagaStreams(),
    ]);
    const checks = [
      ...checkConsistency({
        sagas: outcomes,
        payments,
        inventory,
        orders,
        seededStock: new Map(seededStock.map((s) => [s.sku, s.available])),
      }),
      ...checkSagaStreams(placeOrderSaga(loadPlaceOrderSagaOptions({})), streams),
    ];
    return { outcomes, checks };
  }

  /**
   * Closes the database, then removes the run (`Stack.cleanup`) or, with `keep`, only stops
   * its processes and keeps its databases, topics and Redis keys.
   */
  async close(options: { readonly keep?: boolean } = {}): Promise<void> {
    await this.database.close();
    if (options.keep === true) await this.stack.stopAll();
    else await this.stack.cleanup();
  }
}
