import {
  checkOptions,
  type Clock,
  describeError,
  InvalidArgumentError,
  isPositiveInteger,
  type Logger,
  noopLogger,
  type SagaTimer,
  type Scheduler,
  systemClock,
  TransientError,
} from '@sagaflow/core';
import { Queue } from 'bullmq';

import { timerJobId } from './job-ids';
import { type QueueSetup, resolveQueueSetup } from './queue-setup';

/** Options of {@link BullTimerScheduler}. */
export interface BullTimerSchedulerOptions extends QueueSetup {
  /** The time delays are computed from. @defaultValue the system clock */
  readonly clock?: Clock;
  /**
   * Runs of a fired timer's handler before it gives up (retryable failures only).
   * @defaultValue `5`
   */
  readonly attempts?: number;
  /** Delay before the first retry of a timer's handler, in ms; it doubles each time. @defaultValue `1000` */
  readonly backoffMs?: number;
  /**
   * Fired timers BullMQ keeps, so that re-arming a timer that just fired stays a no-op.
   * Failed timer jobs are not kept: the saga's `pendingTimers` still name the timer, and a
   * kept failed job would make recovery's re-arm of it a no-op.
   * @defaultValue `1000`
   */
  readonly keepCompleted?: number;
  /** Logs queue connection errors. @defaultValue `noopLogger` */
  readonly logger?: Logger;
}

/**
 * Durable saga timers as BullMQ delayed jobs on the queue `<queuePrefix>timers`: the job id
 * is the timer id, so scheduling a timer twice keeps one job; `cancel` removes jobs still
 * waiting (one already running or gone is left alone). A {@link TimerWorker} on the same
 * queue hands them to the engine when due.
 *
 * @example
 * ```ts
 * const connection = createQueueConnection({ url: config.redis.url });
 * const scheduler = new BullTimerScheduler({ connection, queuePrefix: 'sagaflow-orchestrator-' });
 * const engine = new SagaEngine({ ...ports, scheduler });
 * const timers = new TimerWorker({ connection, queuePrefix: 'sagaflow-orchestrator-',
 *   handler: (timer) => engine.handleTimer(timer) });
 * await timers.start();
 * ```
 */
export class BullTimerScheduler implements Scheduler {
  /** `<queuePrefix>timers`. */
  readonly queueName: string;
  readonly #queue: Queue<SagaTimer>;
  readonly #clock: Clock;

  constructor(options: BullTimerSchedulerOptions) {
    const { setup, checks } = resolveQueueSetup(options);
    const attempts = options.attempts ?? 5;
    const backoffMs = options.backoffMs ?? 1000;
    const keepCompleted = options.keepCompleted ?? 1000;
    checkOptions('BullTimerScheduler', [
      ...checks,
      ['attempts', attempts, isPositiveInteger(attempts), 'an integer > 0'],
      ['backoffMs', backoffMs, isPositiveInteger(backoffMs), 'an integer > 0'],
      ['keepCompleted', keepCompleted, isPositiveInteger(keepCompleted), 'an integer > 0'],
    ]);
    this.queueName = timerQueueName(setup.queuePrefix);
    this.#clock = options.clock ?? systemClock;
    this.#queue = new Queue<SagaTimer>(this.queueName, {
      connection: setup.connection,
      prefix: setup.bullPrefix,
      defaultJobOptions: {
        attempts,
        backoff: { type: 'exponential', delay: backoffMs },
        removeOnComplete: { count: keepCompleted },
        removeOnFail: true,
      },
    });
    const logger = options.logger ?? noopLogger;
    this.#queue.on('error', (error) => {
      logger.error('timer queue error', { queue: this.queueName, error: describeError(error) });
    });
  }

  /**
   * Adds one delayed job per timer (`delay = dueAt − now`, at least 0), in one round trip.
   * @throws InvalidArgumentError for a timer id BullMQ cannot take (nothing is scheduled).
   * @throws TransientError (`JOB_QUEUE_FAILED`) when Redis fails.
   */
  async schedule(timers: readonly SagaTimer[]): Promise<void> {
    if (timers.length === 0) return;
    const now = this.#clock.now();
    const jobs = timers.map((timer) => ({
      name: timer.purpose,
      data: timer,
      opts: { jobId: timerJobId(timer.timerId), delay: timerDelayMs(timer.dueAt, now) },
    }));
    try {
      await this.#queue.addBulk(jobs);
    } catch (error: unknown) {
      throw new TransientError('JOB_QUEUE_FAILED', `could not schedule ${timers.length} timer(s)`, {
        cause: error,
        context: { sagaIds: [...new Set(timers.map((t) => t.sagaId))], queue: this.queueName },
      });
    }
  }

  /**
   * Removes the timers' jobs that have not started. A job already running (locked) or
   * gone is left as it is: the decider ignores a timer that is no longer pending.
   * @throws TransientError (`JOB_QUEUE_FAILED`) when Redis fails.
   */
  async cancel(timerIds: readonly string[]): Promise<void> {
    try {
      await Promise.all(timerIds.map((id) => this.#queue.remove(id)));
    } catch (error: unknown) {
      throw new TransientError('JOB_QUEUE_FAILED', `could not cancel ${timerIds.length} timer(s)`, {
        cause: error,
        context: { queue: this.queueName },
      });
    }
  }

  /** Closes the queue (not the shared connection). */
  close(): Promise<void> {
    return this.#queue.close();
  }
}

/** The timer queue's name for a queue prefix. */
export function timerQueueName(queuePrefix: string): string {
  return `${queuePrefix}timers`;
}

/**
 * How long BullMQ must hold a timer's job: `dueAt − now` in whole ms, never negative (a
 * timer already due fires at once).
 *
 * @throws InvalidArgumentError when `dueAt` is not an ISO-8601 time.
 */
export function timerDelayMs(dueAt: string, now: Date): number {
  const due = Date.parse(dueAt);
  if (Number.isNaN(due)) {
    throw new InvalidArgumentError('dueAt', dueAt, 'must be an ISO-8601 time');
  }
  return Math.max(0, Math.ceil(due - now.getTime()));
}
