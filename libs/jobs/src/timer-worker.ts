import {
  checkOptions,
  describeError,
  isPositiveInteger,
  type Logger,
  noopLogger,
  notifyObserver,
  type SagaTimer,
} from '@sagaflow/core';
import { type Job, Worker } from 'bullmq';

import { timerQueueName } from './bull-timer-scheduler';
import { isLastAttempt, isRetryableError, runWorker, unrecoverable } from './job-runs';
import { type LostJobObserver, WorkerErrorLog } from './lost-job';
import { type QueueSetup, resolveQueueSetup } from './queue-setup';

/**
 * Hooks for metrics. A hook that throws is logged and changes nothing. `onJobLost`: a timer
 * job whose Redis keys were gone (see {@link LostJobObserver}); recovery re-arms the timer
 * from the saga's `pendingTimers`.
 */
export interface TimerWorkerObserver extends LostJobObserver {
  /** The handler took the timer. */
  onFired?(observation: { readonly timer: SagaTimer; readonly durationMs: number }): void;
  /** The handler failed; `final` when the timer will not be retried. */
  onFailed?(observation: {
    readonly timer: SagaTimer;
    readonly error: unknown;
    readonly final: boolean;
    readonly durationMs: number;
  }): void;
}

/** Options of {@link TimerWorker}; `queuePrefix` and `bullPrefix` as the scheduler's. */
export interface TimerWorkerOptions extends QueueSetup {
  /** Takes a due timer: the engine's `handleTimer`. */
  readonly handler: (timer: SagaTimer) => Promise<unknown>;
  /** Timers handled at once by this process. @defaultValue `4` */
  readonly concurrency?: number;
  /**
   * Whether a handler error is worth a retry (with the scheduler's `attempts` and
   * back-off); a terminal one fails the timer's job at once.
   * @defaultValue `isRetryableError`: the error's `retryable` flag, else true
   */
  readonly isRetryable?: (error: unknown) => boolean;
  /** Logs failures (warn while retried, error when final). @defaultValue `noopLogger` */
  readonly logger?: Logger;
  /** Hooks for metrics. @defaultValue none */
  readonly observer?: TimerWorkerObserver;
}

/**
 * Hands due timers of the `<queuePrefix>timers` queue to a handler (the engine's
 * `handleTimer`). A retryable failure is retried with exponential back-off; a terminal one,
 * or the last attempt, is logged and fails the job. A late or duplicate timer is harmless:
 * the decider ignores a timer that is no longer pending.
 *
 * @example
 * ```ts
 * const timers = new TimerWorker({ connection, queuePrefix, handler: (t) => engine.handleTimer(t), logger });
 * await timers.start();
 * // on shutdown: waits for the timers being handled
 * await timers.close();
 * ```
 */
export class TimerWorker {
  /** `<queuePrefix>timers`. */
  readonly queueName: string;
  readonly #worker: Worker<SagaTimer>;
  readonly #handler: (timer: SagaTimer) => Promise<unknown>;
  readonly #isRetryable: (error: unknown) => boolean;
  readonly #logger: Logger;
  readonly #observer: TimerWorkerObserver;

  constructor(options: TimerWorkerOptions) {
    const { setup, checks } = resolveQueueSetup(options);
    const concurrency = options.concurrency ?? 4;
    checkOptions('TimerWorker', [
      ...checks,
      ['handler', '[handler]', typeof options.handler === 'function', 'a function'],
      ['concurrency', concurrency, isPositiveInteger(concurrency), 'an integer > 0'],
    ]);
    this.queueName = timerQueueName(setup.queuePrefix);
    this.#handler = options.handler;
    this.#isRetryable = options.isRetryable ?? isRetryableError;
    this.#logger = (options.logger ?? noopLogger).child({ queue: this.queueName });
    this.#observer = options.observer ?? {};
    this.#worker = new Worker<SagaTimer>(this.queueName, (job) => this.#process(job), {
      connection: setup.connection,
      prefix: setup.bullPrefix,
      concurrency,
      autorun: false,
    });
    const errors = new WorkerErrorLog({
      queue: this.queueName,
      message: 'timer worker error',
      logger: this.#logger,
      observer: this.#observer,
    });
    this.#worker.on('error', (error) => {
      errors.report(error);
    });
  }

  /** Starts taking due timers; resolves once the worker is connected. Idempotent. */
  async start(): Promise<void> {
    if (!this.#worker.isRunning()) runWorker(this.#worker, this.#logger);
    await this.#worker.waitUntilReady();
  }

  /** Stops taking timers and waits for those being handled (not the shared connection). */
  close(): Promise<void> {
    return this.#worker.close();
  }

  async #process(job: Job<SagaTimer>): Promise<void> {
    const timer = job.data;
    const startedMs = performance.now();
    const log = this.#logger.child({
      sagaId: timer.sagaId,
      step: timer.step,
      timerId: timer.timerId,
      attempt: job.attemptsMade + 1,
    });
    try {
      await this.#handler(timer);
    } catch (error: unknown) {
      const retryable = this.#isRetryable(error);
      const final = !retryable || isLastAttempt(job);
      const durationMs = performance.now() - startedMs;
      if (final) log.error('timer handling failed for good', { error: describeError(error) });
      else log.warn('timer handling failed; retrying', { error: describeError(error) });
      notifyObserver(
        this.#observer,
        'onFailed',
        { timer, error, final, durationMs },
        { logger: log, component: 'timer worker' },
      );
      throw retryable ? error : unrecoverable(error);
    }
    const durationMs = performance.now() - startedMs;
    notifyObserver(
      this.#observer,
      'onFired',
      { timer, durationMs },
      { logger: log, component: 'timer worker' },
    );
  }
}
