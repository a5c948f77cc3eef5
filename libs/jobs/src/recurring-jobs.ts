import {
  checkOptions,
  describeError,
  InvalidArgumentError,
  isPositiveInteger,
  type Logger,
  noopLogger,
} from '@sagaflow/core';
import { type Job, Queue, Worker } from 'bullmq';

import { runWorker } from './job-runs';
import { type LostJobObserver, WorkerErrorLog } from './lost-job';
import { type QueueSetup, resolveQueueSetup } from './queue-setup';

/** Options of {@link RecurringJobs}. */
export interface RecurringJobsOptions extends QueueSetup {
  /**
   * How often this process upserts its job schedulers again, in ms. Losing Redis
   * (`FLUSHALL`, a failover to an empty replica) deletes BullMQ's queues and schedulers
   * with the cache; re-upserting from every process brings the schedule back without an
   * operator. Upserting an unchanged scheduler keeps its next run where it was.
   * @defaultValue the shortest registered interval
   */
  readonly reupsertIntervalMs?: number;
  /** Logs each task's failure and queue errors. @defaultValue `noopLogger` */
  readonly logger?: Logger;
  /**
   * Hooks for metrics: `onJobLost`, a run whose Redis keys were gone (its scheduler is
   * upserted again, so the next run comes). @defaultValue none
   */
  readonly observer?: LostJobObserver;
}

interface Task {
  readonly everyMs: number;
  readonly run: () => Promise<unknown>;
}

const JOB_NAME = /^[A-Za-z0-9._-]+$/;

/**
 * Periodic maintenance (reconciliation, recovery) on BullMQ job schedulers: one scheduler
 * per task on the queue `<queuePrefix>maintenance` (`upsertJobScheduler` with `every`), so
 * each run happens once across all the processes that register it, and a worker here runs
 * the task named by the job. Every process sharing a maintenance queue must register the
 * same tasks (give each service its own `queuePrefix`).
 *
 * @example
 * ```ts
 * const jobs = new RecurringJobs({ connection, queuePrefix: 'sagaflow-orchestrator-', logger });
 * jobs.register('reconcile', 30_000, () => reconciler.run());
 * await jobs.start();
 * await jobs.runNow('reconcile'); // an admin action, in this process
 * await jobs.close();
 * ```
 */
export class RecurringJobs {
  /** `<queuePrefix>maintenance`. */
  readonly queueName: string;
  readonly #setup: { readonly connection: QueueSetup['connection']; readonly bullPrefix: string };
  readonly #reupsertIntervalMs: number | undefined;
  readonly #logger: Logger;
  readonly #observer: LostJobObserver;
  readonly #tasks = new Map<string, Task>();
  readonly #queue: Queue;
  #worker: Worker | null = null;
  #reupsertTimer: NodeJS.Timeout | null = null;
  /** The periodic re-upsert in flight, awaited by close(). */
  #reupserting: Promise<void> = Promise.resolve();

  constructor(options: RecurringJobsOptions) {
    const { setup, checks } = resolveQueueSetup(options);
    const { reupsertIntervalMs } = options;
    checkOptions('RecurringJobs', [
      ...checks,
      [
        'reupsertIntervalMs',
        reupsertIntervalMs,
        reupsertIntervalMs === undefined || isPositiveInteger(reupsertIntervalMs),
        'an integer > 0',
      ],
    ]);
    this.queueName = `${setup.queuePrefix}maintenance`;
    this.#setup = { connection: setup.connection, bullPrefix: setup.bullPrefix };
    this.#reupsertIntervalMs = reupsertIntervalMs;
    this.#logger = (options.logger ?? noopLogger).child({ queue: this.queueName });
    this.#observer = options.observer ?? {};
    this.#queue = new Queue(this.queueName, {
      connection: setup.connection,
      prefix: setup.bullPrefix,
    });
    this.#queue.on('error', (error) => {
      this.#logger.error('maintenance queue error', { error: describeError(error) });
    });
  }

  /**
   * Adds a task run every `everyMs` ms. Register every task before {@link start}.
   * @throws InvalidArgumentError for a name that is not `[A-Za-z0-9._-]`, taken, or too late.
   */
  register(name: string, everyMs: number, task: () => Promise<unknown>): this {
    if (!JOB_NAME.test(name)) {
      throw new InvalidArgumentError('name', name, 'must be a non-empty string of [A-Za-z0-9._-]');
    }
    if (this.#tasks.has(name))
      throw new InvalidArgumentError('name', name, 'is registered already');
    if (this.#worker !== null)
      throw new InvalidArgumentError('name', name, 'registered after start()');
    if (!isPositiveInteger(everyMs)) {
      throw new InvalidArgumentError('everyMs', everyMs, 'must be an integer > 0');
    }
    this.#tasks.set(name, { everyMs, run: task });
    return this;
  }

  /**
   * Upserts the schedulers, removes those of tasks this process does not register (a task
   * renamed or retired by a new version would otherwise fail every run), starts the worker
   * and the periodic re-upsert.
   */
  async start(): Promise<void> {
    if (this.#worker !== null) return;
    const worker = new Worker(this.queueName, (job) => this.#process(job), {
      connection: this.#setup.connection,
      prefix: this.#setup.bullPrefix,
      autorun: false,
    });
    const errors = new WorkerErrorLog({
      queue: this.queueName,
      message: 'maintenance worker error',
      logger: this.#logger,
      observer: this.#observer,
    });
    worker.on('error', (error) => {
      errors.report(error);
    });
    try {
      await this.#upsertAll();
      await this.#removeUnknown();
    } catch (error: unknown) {
      // Not started: a later start() must try again, so the worker is not kept.
      await worker.close();
      throw error;
    }
    this.#worker = worker;
    runWorker(worker, this.#logger);
    await worker.waitUntilReady();
    const intervals = [...this.#tasks.values()].map((t) => t.everyMs);
    if (intervals.length > 0) {
      this.#reupsertTimer = setInterval(
        () => {
          this.#reupserting = this.#upsertAll().catch((error: unknown) => {
            this.#logger.warn('could not upsert the job schedulers; trying again later', {
              error: describeError(error),
            });
          });
        },
        this.#reupsertIntervalMs ?? Math.min(...intervals),
      );
      // Shutdown must not wait for this timer: close() clears it anyway.
      this.#reupsertTimer.unref();
    }
  }

  /**
   * Runs a task now, in this process, and returns what it returns (e.g. a reconciliation
   * report). For tests and admin actions; the schedule is unchanged.
   * @throws InvalidArgumentError when no task has that name.
   */
  runNow(name: string): Promise<unknown> {
    const task = this.#tasks.get(name);
    if (task === undefined) {
      return Promise.reject(new InvalidArgumentError('name', name, 'is not a registered task'));
    }
    return task.run();
  }

  /**
   * Stops the re-upsert and the worker (waiting for a task that runs), then the queue.
   * The schedulers stay in Redis for the other processes; the shared connection stays open.
   */
  async close(): Promise<void> {
    if (this.#reupsertTimer !== null) clearInterval(this.#reupsertTimer);
    this.#reupsertTimer = null;
    await this.#reupserting;
    await this.#worker?.close();
    await this.#queue.close();
  }

  async #upsertAll(): Promise<void> {
    for (const [name, task] of this.#tasks) {
      await this.#queue.upsertJobScheduler(
        name,
        { every: task.everyMs },
        { name, opts: { removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } } },
      );
    }
  }

  async #removeUnknown(): Promise<void> {
    const schedulers = await this.#queue.getJobSchedulers(0, -1);
    for (const { key } of schedulers) {
      if (this.#tasks.has(key)) continue;
      await this.#queue.removeJobScheduler(key);
      this.#logger.info('removed the job scheduler of a task no longer registered', {
        queue: this.queueName,
        task: key,
      });
    }
  }

  async #process(job: Job): Promise<unknown> {
    const task = this.#tasks.get(job.name);
    if (task === undefined) {
      throw new InvalidArgumentError('job.name', job.name, 'is not a task of this process');
    }
    try {
      return await task.run();
    } catch (error: unknown) {
      this.#logger.error('recurring task failed', { task: job.name, error: describeError(error) });
      throw error;
    }
  }
}
