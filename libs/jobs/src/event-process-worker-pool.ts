import { describeError, InvalidArgumentError, type InboxRecord, type Logger } from '@sagaflow/core';
import { type Job, Queue, Worker } from 'bullmq';

import { errorText } from './error-text';
import {
  type EventProcessHandler,
  type EventProcessMessage,
  type EventProcessObserver,
  type EventProcessWorkerPoolOptions,
  type ResolvedEventProcessWorkerPoolOptions,
  resolveEventProcessWorkerPoolOptions,
} from './event-process-worker-pool-options';
import { isLastAttempt, unrecoverable } from './job-attempts';
import { eventProcessJobId, requeueJobId } from './job-ids';
import { JobQueueError } from './job-queue-error';
import { lostJobOf, WorkerErrorLog } from './lost-job';
import { runWorker } from './run-worker';

/** A job's data: the record's key and, on a retry, the lease the previous run took. */
interface EventProcessJobData extends EventProcessMessage {
  /** `updatedAt` of the record as the previous run claimed it. */
  readonly leaseOf?: string;
}

interface Consumer {
  readonly name: string;
  readonly handler: EventProcessHandler;
  readonly queue: Queue<EventProcessJobData>;
  worker: Worker<EventProcessJobData> | null;
}

/**
 * The asynchronous EventProcess pipeline after the inbox: one BullMQ queue and worker per
 * consumer. A job claims its record (`inbox.claim` with a lease); a record that is not
 * claimable (DONE, or leased by another run) is skipped, which makes duplicate jobs
 * harmless. The handler marks the record DONE in its own transaction. A retryable failure
 * is retried with exponential back-off; a terminal one, or the last attempt, marks the
 * record FAILED (`inbox.fail`) for an operator.
 *
 * Recovery: the reconciler hands stale RECEIVED / PROCESSING records to {@link requeue}.
 *
 * @example
 * ```ts
 * const pool = new EventProcessWorkerPool({
 *   connection, queuePrefix: 'sagaflow-orchestrator-', inbox: cachedInbox,
 *   handlers: { orchestrator: (record) => applyReply(record) },
 *   afterHandled: (r) => cachedInbox.rememberDone(r.consumer, r.messageId),
 * });
 * await pool.start();
 * const { accepted } = await cachedInbox.receive(batch);
 * await pool.enqueue(accepted);
 * ```
 */
export class EventProcessWorkerPool {
  readonly #options: ResolvedEventProcessWorkerPoolOptions;
  readonly #consumers: ReadonlyMap<string, Consumer>;

  constructor(options: EventProcessWorkerPoolOptions) {
    this.#options = resolveEventProcessWorkerPoolOptions(options);
    const { setup, jobOptions, logger } = this.#options;
    this.#consumers = new Map(
      this.#options.handlers.map(([name, handler]) => {
        const queue = new Queue<EventProcessJobData>(`${setup.queuePrefix}ep-${name}`, {
          connection: setup.connection,
          prefix: setup.bullPrefix,
          defaultJobOptions: jobOptions,
        });
        queue.on('error', (error) => {
          logger.error('EventProcess queue error', {
            queue: queue.name,
            error: describeError(error),
          });
        });
        return [name, { name, handler, queue, worker: null }];
      }),
    );
  }

  /** The queue of a consumer: `<queuePrefix>ep-<consumer>`. */
  queueName(consumer: string): string {
    return this.#consumer(consumer).queue.name;
  }

  /** Starts one worker per consumer; resolves once they are connected. */
  async start(): Promise<void> {
    const { setup, concurrency, logger } = this.#options;
    for (const consumer of this.#consumers.values()) {
      if (consumer.worker !== null) continue;
      const worker = new Worker<EventProcessJobData>(
        consumer.queue.name,
        (job) => this.#process(consumer, job),
        { connection: setup.connection, prefix: setup.bullPrefix, concurrency, autorun: false },
      );
      const errors = new WorkerErrorLog({
        queue: consumer.queue.name,
        message: 'EventProcess worker error',
        logger,
        observer: this.#options.observer,
      });
      worker.on('error', (error) => {
        errors.report(error);
      });
      consumer.worker = worker;
      runWorker(worker, logger);
    }
    await Promise.all(this.#workers().map((worker) => worker.waitUntilReady()));
  }

  /**
   * Queues new records (those `inbox.receive` accepted), one `addBulk` per consumer. A
   * message already queued, running or recently done is not queued again.
   * @throws InvalidArgumentError for a consumer without a handler (nothing is queued).
   * @throws JobQueueError when Redis fails.
   */
  enqueue(messages: readonly EventProcessMessage[]): Promise<void> {
    return this.#add(messages, (m) => eventProcessJobId(m.consumer, m.messageId));
  }

  /**
   * Queues records again — stale ones (the reconciler's `requeue`), or FAILED ones an
   * operator moved back to RECEIVED — under a job id that includes the record's attempts and
   * its `updatedAt`, so a finished job of the same message kept by BullMQ does not swallow
   * it, while requeueing an unchanged record twice queues it once. The claim's lease keeps
   * a record that is still being processed safe.
   * @throws InvalidArgumentError for a consumer without a handler (nothing is queued).
   * @throws JobQueueError when Redis fails.
   */
  requeue(
    records: readonly (EventProcessMessage & {
      readonly attempts: number;
      readonly updatedAt?: string;
    })[],
  ): Promise<void> {
    return this.#add(records, (r) =>
      requeueJobId(r.consumer, r.messageId, r.attempts, r.updatedAt),
    );
  }

  /** Stops the workers, waiting for the jobs they run, then the queues (not the connection). */
  async close(): Promise<void> {
    await Promise.all(this.#workers().map((worker) => worker.close()));
    await Promise.all([...this.#consumers.values()].map((c) => c.queue.close()));
  }

  async #add<M extends EventProcessMessage>(
    messages: readonly M[],
    jobId: (message: M) => string,
  ): Promise<void> {
    const byConsumer = new Map<Consumer, M[]>();
    for (const message of messages) {
      const consumer = this.#consumer(message.consumer);
      const batch = byConsumer.get(consumer);
      if (batch === undefined) byConsumer.set(consumer, [message]);
      else batch.push(message);
    }
    await Promise.all(
      [...byConsumer].map(async ([consumer, batch]) => {
        try {
          await consumer.queue.addBulk(
            batch.map((m) => ({
              name: 'event-process',
              data: { consumer: m.consumer, messageId: m.messageId },
              opts: { jobId: jobId(m) },
            })),
          );
        } catch (error: unknown) {
          throw new JobQueueError(
            consumer.queue.name,
            `could not queue ${batch.length} record(s)`,
            {
              cause: error,
            },
          );
        }
      }),
    );
  }

  #workers(): Worker<EventProcessJobData>[] {
    return [...this.#consumers.values()].flatMap((c) => (c.worker === null ? [] : [c.worker]));
  }

  #consumer(name: string): Consumer {
    const consumer = this.#consumers.get(name);
    if (consumer === undefined) {
      throw new InvalidArgumentError('consumer', name, 'has no handler in this worker pool');
    }
    return consumer;
  }

  async #process(consumer: Consumer, job: Job<EventProcessJobData>): Promise<void> {
    const { inbox, clock, leaseMs } = this.#options;
    const { messageId, leaseOf } = job.data;
    const startedMs = performance.now();
    const attempt = job.attemptsMade + 1;
    const log = this.#options.logger.child({ consumer: consumer.name, messageId, attempt });
    // A retry takes back the lease its previous run held (the record is unchanged since,
    // or another run has it and this one backs off); a first run needs an expired lease.
    const expired = clock.now().getTime() - leaseMs;
    const cutoff = leaseOf === undefined ? expired : Math.max(expired, Date.parse(leaseOf) + 1);
    const final = isLastAttempt(job);
    let record: InboxRecord | null;
    try {
      record = await inbox.claim(consumer.name, messageId, new Date(cutoff));
    } catch (error: unknown) {
      if (final) return this.#claimFailed(consumer, messageId, error, attempt, startedMs, log);
      // The record stays as it was; the retry, or the reconciler's requeue, claims it later.
      log.warn('could not claim the record; retrying', { error: describeError(error) });
      throw error;
    }
    if (record === null) {
      this.#notify(log, 'onProcessed', {
        consumer: consumer.name,
        messageId,
        outcome: 'skipped',
        durationMs: performance.now() - startedMs,
      });
      return;
    }
    try {
      await consumer.handler(record, { attempt, final });
    } catch (error: unknown) {
      await this.#handlerFailed(consumer, job, record, error, startedMs, log);
    }
    if (this.#options.afterHandled !== null) {
      await this.#options.afterHandled(record).catch((error: unknown) => {
        log.warn('afterHandled failed; the record is DONE regardless', {
          error: describeError(error),
        });
      });
    }
    this.#notify(log, 'onProcessed', {
      consumer: consumer.name,
      messageId,
      outcome: 'done',
      durationMs: performance.now() - startedMs,
    });
  }

  /**
   * The claim failed on the job's last run: marks the record FAILED, so it waits for an
   * operator instead of sitting unnoticed, and lets its owner answer for it
   * (`onClaimFailed`). If marking FAILED fails as well, the record is left as it was for the
   * reconciler. Always throws: the job fails.
   */
  async #claimFailed(
    consumer: Consumer,
    messageId: string,
    error: unknown,
    attempt: number,
    startedMs: number,
    log: Logger,
  ): Promise<never> {
    const message = { consumer: consumer.name, messageId };
    log.error('could not claim the record on its last attempt; marking it FAILED', {
      error: describeError(error),
    });
    try {
      await this.#options.inbox.fail(consumer.name, messageId, `claim failed: ${errorText(error)}`);
    } catch (failError: unknown) {
      log.error('could not mark the record FAILED either; the reconciler requeues it', {
        error: describeError(failError),
      });
      throw error;
    }
    this.#notify(log, 'onFailed', {
      ...message,
      error,
      final: true,
      attempt,
      durationMs: performance.now() - startedMs,
    });
    if (this.#options.onClaimFailed !== null) {
      await this.#options.onClaimFailed(message, error).catch((hookError: unknown) => {
        log.error('onClaimFailed failed; the record stays FAILED', {
          error: describeError(hookError),
        });
      });
    }
    throw error;
  }

  /** Retries (rethrows) or marks the record FAILED; always throws. */
  async #handlerFailed(
    consumer: Consumer,
    job: Job<EventProcessJobData>,
    record: InboxRecord,
    error: unknown,
    startedMs: number,
    log: Logger,
  ): Promise<never> {
    const retryable = this.#options.isRetryable(error);
    const final = !retryable || isLastAttempt(job);
    this.#notify(log, 'onFailed', {
      consumer: consumer.name,
      messageId: record.messageId,
      error,
      final,
      attempt: job.attemptsMade + 1,
      durationMs: performance.now() - startedMs,
    });
    if (!final) {
      log.warn('handler failed; retrying', { error: describeError(error) });
      // A job lost with Redis cannot be updated; BullMQ reports it when failing it.
      await job.updateData({ ...job.data, leaseOf: record.updatedAt }).catch((e: unknown) => {
        if (lostJobOf(e, consumer.queue.name) === null) throw e;
      });
      throw error;
    }
    log.error('handler failed for good; marking the record FAILED', {
      sagaId: record.sagaId,
      error: describeError(error),
    });
    await this.#options.inbox.fail(consumer.name, record.messageId, errorText(error));
    throw retryable ? error : unrecoverable(error);
  }

  #notify<K extends keyof EventProcessObserver>(
    log: Logger,
    hook: K,
    observation: Parameters<NonNullable<EventProcessObserver[K]>>[0],
  ): void {
    const callback = this.#options.observer[hook] as
      ((observation: Parameters<NonNullable<EventProcessObserver[K]>>[0]) => void) | undefined;
    try {
      callback?.call(this.#options.observer, observation);
    } catch (error: unknown) {
      log.error(`EventProcess observer hook ${hook} threw`, { error: describeError(error) });
    }
  }
}
