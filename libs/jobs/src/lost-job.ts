import { describeError, errorMessage, type Logger, notifyObserver } from '@sagaflow/core';
import { ErrorCode } from 'bullmq';

/** A job whose Redis keys were gone when its worker went to finish or update it. */
export interface LostJob {
  /** The queue's name. */
  readonly queue: string;
  readonly jobId: string;
  /** The BullMQ command that found the job's key missing, e.g. `moveToFinished`. */
  readonly operation: string;
}

/** The metrics hook every worker of this lib shares. A hook that throws is logged only. */
export interface LostJobObserver {
  /**
   * A job's keys were gone from Redis (a `FLUSHDB`, a failover to an empty replica) when
   * its worker finished or updated it; called once per job. Nothing is lost: MySQL holds
   * the state, and reconciliation queues the work again.
   */
  onJobLost?(observation: LostJob): void;
}

/** BullMQ's message for {@link ErrorCode.JobNotExist}: `Missing key for job <id>. <command>`. */
const MISSING_KEY = /^Missing key for job (.+)\. (\S+)$/;

/** How many lost job ids a worker remembers, so that each is reported once. */
const REMEMBERED_LOST_JOBS = 1000;

/**
 * The lost job an error reports — BullMQ's `JobNotExist` ("Missing key for job …") —
 * else null.
 *
 * @example
 * ```ts
 * lostJobOf(error, 'sagaflow-timers'); // { queue: 'sagaflow-timers', jobId: '42', operation: 'moveToFinished' }
 * ```
 */
export function lostJobOf(error: unknown, queue: string): LostJob | null {
  if (!(error instanceof Error)) return null;
  if ((error as { code?: unknown }).code !== ErrorCode.JobNotExist) return null;
  const [, jobId, operation] = MISSING_KEY.exec(error.message) ?? [];
  return jobId === undefined || operation === undefined ? null : { queue, jobId, operation };
}

/** Options of {@link WorkerErrorLog}. */
export interface WorkerErrorLogOptions {
  /** The worker's queue. */
  readonly queue: string;
  /** The message of the error-level line a real worker error gets. */
  readonly message: string;
  readonly logger: Logger;
  readonly observer: LostJobObserver;
}

/**
 * Logs what a BullMQ worker emits as `error`. A job lost with Redis is not an error of
 * ours: when Redis lost its keys, BullMQ cannot move the job to completed or failed, but
 * the work it stood for is durable in MySQL and the reconciler queues it again (a lost
 * recurring job comes back with its scheduler). It is logged at warn once per job, with
 * the job id and the reason, and counted through `onJobLost`; every other error stays at
 * error level.
 */
export class WorkerErrorLog {
  readonly #options: WorkerErrorLogOptions;
  /** Lost job ids already reported, oldest first. */
  readonly #reported = new Set<string>();

  constructor(options: WorkerErrorLogOptions) {
    this.#options = options;
  }

  /** Logs one error the worker emitted. */
  report(error: unknown): void {
    const { queue, message, logger, observer } = this.#options;
    const lost = lostJobOf(error, queue);
    if (lost === null) {
      logger.error(message, { queue, error: describeError(error) });
      return;
    }
    // BullMQ fails a job whose completion it could not record: the same job reports twice.
    if (this.#reported.has(lost.jobId)) return;
    this.#reported.add(lost.jobId);
    if (this.#reported.size > REMEMBERED_LOST_JOBS) {
      const [oldest] = this.#reported;
      if (oldest !== undefined) this.#reported.delete(oldest);
    }
    logger.warn(
      'job lost with its Redis keys; MySQL keeps its state and reconciliation repairs it',
      {
        queue,
        jobId: lost.jobId,
        operation: lost.operation,
        reason: errorMessage(error),
      },
    );
    notifyObserver(observer, 'onJobLost', lost, { logger, component: 'worker', fields: { queue } });
  }
}
