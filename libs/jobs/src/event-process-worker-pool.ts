import {
  describeError,
  errorMessage,
  type EventProcessRef,
  type EventProcessMessage,
  type EventProcessRecord,
  InvalidArgumentError,
  type Logger,
  notifyObserver,
  TransientError,
} from '@sagaflow/core';
import { type Job, type JobsOptions, Queue, Worker } from 'bullmq';

import {
  type EventProcessHandler,
  type EventProcessWorkerPoolOptions,
  type ResolvedEventProcessWorkerPoolOptions,
  resolveEventProcessWorkerPoolOptions,
} from './event-process-worker-pool-options';
import { eventProcessJobId, requeueJobId } from './job-ids';
import { isLastAttempt, runWorker, unrecoverable } from './job-runs';
import { lostJobOf, WorkerErrorLog } from './lost-job';
import { runInSagaOrder } from './saga-ordered-runs';

/** A job's data: the record's key and, on a retry, the lease the previous run took. */
interface EventProcessJobData extends EventProcessRef {
  /** `updatedAt` of the record as the previous run claimed it. */
  readonly leaseOf?: string;
  /** The record's first run was in-process ({@link EventProcessWorkerPool.process}): the job's runs come after it. */
  readonly ranInProcess?: boolean;
}

/** A message {@link EventProcessWorkerPool.process} hands to the queue. */
interface QueuedRetry {
  readonly message: EventProcessMessage;
  /** The lease its failed in-process run took, for the job to take back. */
  readonly leaseOf: string | undefined;
  /** False for a message held back behind its saga's failed one: it has not run yet. */
  readonly ranInProcess: boolean;
}

interface Consumer {
  readonly name: string;
  readonly handler: EventProcessHandler;
  readonly queue: Queue<EventProcessJobData>;
  worker: Worker<EventProcessJobData> | null;
}

/**
 * The asynchronous EventProcess pipeline after the EventProcess table.
 *
 * New records run in this process at once ({@link process}): in order per saga, up to
 * `concurrency` at a time, with no queue hop — the consumer awaits them before it commits
 * its offsets, so a crash meanwhile redelivers the batch. A record whose first run fails is
 * handed to BullMQ: one queue and worker per consumer retry it with back-off. A job claims its record (`eventProcess.claim` with a lease); a record that is not
 * claimable (DONE, or leased by another run) is skipped, which makes duplicate jobs
 * harmless. The handler marks the record DONE in its own transaction. A retryable failure
 * is retried with exponential back-off; a terminal one, or the last attempt, marks the
 * record FAILED (`eventProcess.fail`) for an operator.
 *
 * Recovery: the reconciler hands stale RECEIVED / PROCESSING records to {@link requeue}.
 *
 * @example
 * ```ts
 * const pool = new EventProcessWorkerPool({
 *   connection, queuePrefix: 'sagaflow-orchestrator-', eventProcess: cachedEventProcess,
 *   handlers: { orchestrator: (record) => applyReply(record) },
 *   afterHandled: (r) => cachedEventProcess.rememberDone(r.consumer, r.messageId),
 * });
 * await pool.start();
 * const { accepted, duplicates } = await cachedEventProcess.receive(batch);
 * await pool.process(accepted);
 * await pool.enqueue(duplicates);
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
   * Runs new records (those `eventProcess.receive` accepted, still RECEIVED) in this process now:
   * in order per saga, up to `concurrency` at a time, without claiming them (no other run
   * knows of them yet; the handler's transaction marks them DONE and counts the run as an
   * attempt). Resolves once each one is DONE, FAILED (a terminal error, or `maxAttempts`
   * is 1) or queued for a retry after the back-off (any other error: the failed run is
   * recorded by claiming the record, whose lease the retry takes back). The later messages
   * of a saga whose message is retried are queued behind it instead of run now. Never
   * rejects for a handler's error.
   * @throws InvalidArgumentError for a consumer without a handler (nothing runs).
   * @throws TransientError (`JOB_QUEUE_FAILED`) when a failed record cannot be queued for
   *   its retry (Redis down): the caller leaves its batch uncommitted, and Kafka delivers it
   *   again.
   */
  async process(messages: readonly EventProcessMessage[]): Promise<void> {
    for (const message of messages) this.#consumer(message.consumer);
    // A saga whose message is to be retried keeps its later messages for after it.
    const waiting = new Set<string>();
    const queued: QueuedRetry[] = [];
    await runInSagaOrder(messages, this.#options.concurrency, async (message) => {
      const key = `${message.consumer}\u0000${message.sagaId}`;
      if (waiting.has(key)) {
        queued.push({ message, leaseOf: undefined, ranInProcess: false });
        return;
      }
      const retry = await this.#processNow(message);
      if (retry === null) return;
      waiting.add(key);
      queued.push(retry);
    });
    if (queued.length > 0) await this.#queueRetries(queued);
  }

  /**
   * Takes over new records whose first run failed elsewhere — a batch run by the caller in
   * one transaction, rolled back for them: each failure counts as the record's first
   * attempt, as a failed in-process run of {@link process} does (retryable: claimed and
   * queued after the back-off; terminal, or `maxAttempts` 1: FAILED). `heldBack`: later
   * messages of the same sagas, not run, queued to run after the back-off too.
   * @throws InvalidArgumentError for a consumer without a handler (nothing is done).
   * @throws TransientError (`JOB_QUEUE_FAILED`) when the retries cannot be queued (Redis down).
   */
  async retryFailed(
    failures: readonly { readonly message: EventProcessMessage; readonly error: unknown }[],
    heldBack: readonly EventProcessMessage[] = [],
  ): Promise<void> {
    for (const { message } of [...failures, ...heldBack.map((m) => ({ message: m }))]) {
      this.#consumer(message.consumer);
    }
    const queued: QueuedRetry[] = heldBack.map((message) => ({
      message,
      leaseOf: undefined,
      ranInProcess: false,
    }));
    for (const { message, error } of failures) {
      const consumer = this.#consumer(message.consumer);
      const log = this.#options.logger.child({
        consumer: consumer.name,
        messageId: message.messageId,
        sagaId: message.sagaId,
        attempt: 1,
      });
      const retry = await this.#afterFailedRun(consumer, message, error, performance.now(), log);
      if (retry !== null) queued.push(retry);
    }
    if (queued.length > 0) await this.#queueRetries(queued);
  }

  /**
   * Queues new records (those `eventProcess.receive` accepted), one `addBulk` per consumer. A
   * message already queued, running or recently done is not queued again.
   * @throws InvalidArgumentError for a consumer without a handler (nothing is queued).
   * @throws TransientError (`JOB_QUEUE_FAILED`) when Redis fails.
   */
  enqueue(messages: readonly EventProcessRef[]): Promise<void> {
    return this.#add(messages, (m) => ({
      opts: { jobId: eventProcessJobId(m.consumer, m.messageId) },
    }));
  }

  /**
   * Queues records again — stale ones (the reconciler's `requeue`), or FAILED ones an
   * operator moved back to RECEIVED — under a job id that includes the record's attempts and
   * its `updatedAt`, so a finished job of the same message kept by BullMQ does not swallow
   * it, while requeueing an unchanged record twice queues it once. The claim's lease keeps
   * a record that is still being processed safe.
   * @throws InvalidArgumentError for a consumer without a handler (nothing is queued).
   * @throws TransientError (`JOB_QUEUE_FAILED`) when Redis fails.
   */
  requeue(
    records: readonly (EventProcessRef & {
      readonly attempts: number;
      readonly updatedAt?: string;
    })[],
  ): Promise<void> {
    return this.#add(records, (r) => ({
      opts: { jobId: requeueJobId(r.consumer, r.messageId, r.attempts, r.updatedAt) },
    }));
  }

  /** Stops the workers, waiting for the jobs they run, then the queues (not the connection). */
  async close(): Promise<void> {
    await Promise.all(this.#workers().map((worker) => worker.close()));
    await Promise.all([...this.#consumers.values()].map((c) => c.queue.close()));
  }

  /** Queues one job per message (its data and options from `job`), one `addBulk` per consumer. */
  async #add<M extends EventProcessRef>(
    messages: readonly M[],
    job: (message: M) => {
      readonly data?: Partial<EventProcessJobData>;
      readonly opts: JobsOptions;
    },
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
            batch.map((m) => {
              const { data, opts } = job(m);
              return {
                name: 'event-process',
                data: { ...data, consumer: m.consumer, messageId: m.messageId },
                opts,
              };
            }),
          );
        } catch (error: unknown) {
          throw new TransientError(
            'JOB_QUEUE_FAILED',
            `could not queue ${batch.length} record(s)`,
            {
              cause: error,
              context: { queue: consumer.queue.name },
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

  /**
   * The first run of a new record, in this process. Returns what to queue for a retry, or
   * null when the record is settled (DONE, FAILED, or taken over by another run).
   */
  async #processNow(message: EventProcessMessage): Promise<QueuedRetry | null> {
    const { clock, maxAttempts } = this.#options;
    const consumer = this.#consumer(message.consumer);
    const startedMs = performance.now();
    const now = clock.now();
    // The stored record is RECEIVED; the handler sees it as this run holds it. Its
    // transaction marks it DONE (or FAILED), counting this run as its first attempt.
    const record: EventProcessRecord = {
      ...message,
      status: 'PROCESSING',
      attempts: 1,
      lastError: null,
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    };
    const log = this.#options.logger.child({
      consumer: consumer.name,
      messageId: message.messageId,
      sagaId: message.sagaId,
      attempt: 1,
    });
    const final = maxAttempts === 1;
    try {
      await consumer.handler(record, { attempt: 1, final });
    } catch (error: unknown) {
      return this.#afterFailedRun(consumer, message, error, startedMs, log);
    }
    await this.#afterHandled(record, log);
    notifyObserver(
      this.#options.observer,
      'onProcessed',
      {
        consumer: consumer.name,
        messageId: message.messageId,
        outcome: 'done',
        durationMs: performance.now() - startedMs,
      },
      { logger: log, component: 'EventProcess worker pool' },
    );
    return null;
  }

  /**
   * Queues the retries of in-process runs and the messages held back behind them, all due
   * after the back-off; a record whose run failed has one attempt less left.
   * @throws TransientError (`JOB_QUEUE_FAILED`) when Redis fails.
   */
  async #queueRetries(retries: readonly QueuedRetry[]): Promise<void> {
    const { maxAttempts, backoffMs } = this.#options;
    const byMessage = new Map(retries.map((retry) => [retry.message, retry]));
    await this.#add([...byMessage.keys()], (message) => {
      const { leaseOf, ranInProcess } = byMessage.get(message) ?? {};
      return {
        data: {
          ...(leaseOf === undefined ? {} : { leaseOf }),
          ...(ranInProcess === true ? { ranInProcess } : {}),
        },
        opts: {
          jobId: eventProcessJobId(message.consumer, message.messageId),
          delay: backoffMs,
          ...(ranInProcess === true ? { attempts: maxAttempts - 1 } : {}),
        },
      };
    });
  }

  /**
   * After a failed first run: a retryable error is recorded by claiming the record and
   * queued for a retry; a terminal one (or the only attempt allowed) marks it FAILED.
   * Returns what to queue, or null.
   */
  async #afterFailedRun(
    consumer: Consumer,
    message: EventProcessMessage,
    error: unknown,
    startedMs: number,
    log: Logger,
  ): Promise<QueuedRetry | null> {
    const { clock, isRetryable, eventProcess, maxAttempts, leaseMs } = this.#options;
    const now = clock.now();
    const final = maxAttempts === 1;
    const retryable = isRetryable(error) && !final;
    notifyObserver(
      this.#options.observer,
      'onFailed',
      {
        consumer: consumer.name,
        messageId: message.messageId,
        error,
        final: !retryable,
        attempt: 1,
        durationMs: performance.now() - startedMs,
      },
      { logger: log, component: 'EventProcess worker pool' },
    );
    if (retryable) {
      log.warn('handler failed; retrying', { error: describeError(error) });
      // The claim records the failed run as an attempt; the queued retry takes its lease
      // back. A record another run took meanwhile (or settled) is left to it.
      try {
        const claimed = await eventProcess.claim(
          consumer.name,
          message.messageId,
          new Date(now.getTime() - leaseMs),
        );
        if (claimed === null) return null;
        return { message, leaseOf: claimed.updatedAt, ranInProcess: true };
      } catch (claimError: unknown) {
        log.warn('could not record the failed run; the retry claims the record', {
          error: describeError(claimError),
        });
        return { message, leaseOf: undefined, ranInProcess: true };
      }
    }
    log.error('handler failed for good; marking the record FAILED', {
      error: describeError(error),
    });
    try {
      // The claim counts the run as an attempt (a RECEIVED or FAILED record is claimable).
      await eventProcess.claim(consumer.name, message.messageId, new Date(now.getTime() - leaseMs));
      await eventProcess.fail(
        consumer.name,
        message.messageId,
        errorMessage(error, { code: true }),
      );
    } catch (failError: unknown) {
      log.error('could not mark the record FAILED; the reconciler requeues it', {
        error: describeError(failError),
      });
    }
    return null;
  }

  async #afterHandled(record: EventProcessRecord, log: Logger): Promise<void> {
    if (this.#options.afterHandled === null) return;
    await this.#options.afterHandled(record).catch((error: unknown) => {
      log.warn('afterHandled failed; the record is DONE regardless', {
        error: describeError(error),
      });
    });
  }

  async #process(consumer: Consumer, job: Job<EventProcessJobData>): Promise<void> {
    const { eventProcess, clock, leaseMs } = this.#options;
    const { messageId, leaseOf } = job.data;
    const startedMs = performance.now();
    const attempt = runOf(job);
    const log = this.#options.logger.child({ consumer: consumer.name, messageId, attempt });
    // A retry takes back the lease its previous run held (the record is unchanged since,
    // or another run has it and this one backs off); a first run needs an expired lease.
    const expired = clock.now().getTime() - leaseMs;
    const cutoff = leaseOf === undefined ? expired : Math.max(expired, Date.parse(leaseOf) + 1);
    const final = isLastAttempt(job);
    let record: EventProcessRecord | null;
    try {
      record = await eventProcess.claim(consumer.name, messageId, new Date(cutoff));
    } catch (error: unknown) {
      if (final) return this.#claimFailed(consumer, messageId, error, attempt, startedMs, log);
      // The record stays as it was; the retry, or the reconciler's requeue, claims it later.
      log.warn('could not claim the record; retrying', { error: describeError(error) });
      throw error;
    }
    if (record === null) {
      notifyObserver(
        this.#options.observer,
        'onProcessed',
        {
          consumer: consumer.name,
          messageId,
          outcome: 'skipped',
          durationMs: performance.now() - startedMs,
        },
        { logger: log, component: 'EventProcess worker pool' },
      );
      return;
    }
    try {
      await consumer.handler(record, { attempt, final });
    } catch (error: unknown) {
      await this.#handlerFailed(consumer, job, record, error, startedMs, log);
    }
    await this.#afterHandled(record, log);
    notifyObserver(
      this.#options.observer,
      'onProcessed',
      {
        consumer: consumer.name,
        messageId,
        outcome: 'done',
        durationMs: performance.now() - startedMs,
      },
      { logger: log, component: 'EventProcess worker pool' },
    );
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
      await this.#options.eventProcess.fail(
        consumer.name,
        messageId,
        `claim failed: ${errorMessage(error, { code: true })}`,
      );
    } catch (failError: unknown) {
      log.error('could not mark the record FAILED either; the reconciler requeues it', {
        error: describeError(failError),
      });
      throw error;
    }
    notifyObserver(
      this.#options.observer,
      'onFailed',
      {
        ...message,
        error,
        final: true,
        attempt,
        durationMs: performance.now() - startedMs,
      },
      { logger: log, component: 'EventProcess worker pool' },
    );
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
    record: EventProcessRecord,
    error: unknown,
    startedMs: number,
    log: Logger,
  ): Promise<never> {
    const retryable = this.#options.isRetryable(error);
    const final = !retryable || isLastAttempt(job);
    notifyObserver(
      this.#options.observer,
      'onFailed',
      {
        consumer: consumer.name,
        messageId: record.messageId,
        error,
        final,
        attempt: runOf(job),
        durationMs: performance.now() - startedMs,
      },
      { logger: log, component: 'EventProcess worker pool' },
    );
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
    await this.#options.eventProcess.fail(
      consumer.name,
      record.messageId,
      errorMessage(error, { code: true }),
    );
    throw retryable ? error : unrecoverable(error);
  }
}

/** The record's run a job's run is: after the in-process one when there was one. */
function runOf(job: Job<EventProcessJobData>): number {
  return job.attemptsMade + (job.data.ranInProcess === true ? 2 : 1);
}
