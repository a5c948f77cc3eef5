import {
  checkOptions,
  type Clock,
  type EventProcessRef,
  hasMethods,
  type EventProcessStore,
  type EventProcessRecord,
  isPositiveInteger,
  type Logger,
  noopLogger,
  systemClock,
} from '@sagaflow/core';
import { type DefaultJobOptions } from 'bullmq';

import { isRetryableError } from './job-runs';
import { type LostJobObserver } from './lost-job';
import { type QueueSetup, type ResolvedQueueSetup, resolveQueueSetup } from './queue-setup';

/** Which run of its job a handler is in. */
export interface EventProcessRun {
  /** The job's run, from 1. */
  readonly attempt: number;
  /**
   * True on the job's last allowed run: if the handler fails now, with whatever error, the
   * record is marked FAILED instead of retried — a handler that answers someone (a
   * participant's technical failure reply) does it on this run.
   */
  readonly final: boolean;
}

/**
 * Processes one claimed EventProcess record. It marks the record DONE itself, inside the
 * transaction of its work (the orchestrator through `AppendRequest.processed`, a
 * participant in its handler's transaction). Throwing leaves the record PROCESSING, to be
 * retried — or marked FAILED on the `final` run or for a terminal error.
 */
export type EventProcessHandler = (
  record: EventProcessRecord,
  run: EventProcessRun,
) => Promise<unknown>;

/**
 * Hooks for metrics. A hook that throws is logged and changes nothing. `onJobLost`: a job
 * whose Redis keys were gone (see {@link LostJobObserver}); its record comes back through
 * the reconciler's requeue.
 */
export interface EventProcessObserver extends LostJobObserver {
  /**
   * A job ended well: `done` when the handler ran, `skipped` when the record was not
   * claimable (DONE already, or leased by another run).
   */
  onProcessed?(observation: {
    readonly consumer: string;
    readonly messageId: string;
    readonly outcome: 'done' | 'skipped';
    readonly durationMs: number;
  }): void;
  /**
   * The handler failed, or claiming the record failed on the job's last run; `final` when
   * the record was marked FAILED.
   */
  onFailed?(observation: {
    readonly consumer: string;
    readonly messageId: string;
    readonly error: unknown;
    readonly final: boolean;
    /** The job's run, from 1. */
    readonly attempt: number;
    readonly durationMs: number;
  }): void;
}

/** Options of {@link EventProcessWorkerPool}. */
export interface EventProcessWorkerPoolOptions extends QueueSetup {
  /** The EventProcess table the records are claimed from and failed in (the `CachedEventProcessStore` in production). */
  readonly eventProcess: Pick<EventProcessStore, 'claim' | 'fail'>;
  /**
   * One handler per consumer name (`[A-Za-z0-9._-]`); each consumer gets the queue
   * `<queuePrefix>ep-<consumer>` and a worker.
   */
  readonly handlers: Readonly<Record<string, EventProcessHandler>>;
  /** Records processed at once per consumer, by this process. @defaultValue `8` */
  readonly concurrency?: number;
  /**
   * Runs of a handler for one record before it is marked FAILED (retryable failures only;
   * a terminal one fails it at once). @defaultValue `5`
   */
  readonly maxAttempts?: number;
  /**
   * Delay before the first retry, in ms; it doubles each time. Keep the sum of the delays
   * well below the reconciler's `staleEventProcessAfterMs`. @defaultValue `200`
   */
  readonly backoffMs?: number;
  /**
   * How long a claim keeps other runs off a PROCESSING record (`claim`'s
   * `leaseExpiredBefore = now − leaseMs`): longer than a handler ever takes.
   * @defaultValue `60_000`
   */
  readonly leaseMs?: number;
  /** Completed jobs BullMQ keeps per queue (deduplicating late re-enqueues). @defaultValue `1000` */
  readonly keepCompleted?: number;
  /** Failed jobs BullMQ keeps per queue, for inspection. @defaultValue `1000` */
  readonly keepFailed?: number;
  /**
   * Called after a handler succeeded (the record is DONE), e.g. to cache the status:
   * `(r) => cachedEventProcess.rememberDone(r.consumer, r.messageId)`. A failure is logged only.
   * @defaultValue none
   */
  readonly afterHandled?: (record: EventProcessRecord) => Promise<unknown>;
  /**
   * Called when claiming a record failed on its job's last run (the database refused the
   * claim every time), after the pool marked the record FAILED: the owner of the record can
   * still answer for it, e.g. a participant's technical failure reply. A failure of the
   * hook is logged only; if even marking FAILED failed, the hook is not called and the
   * record, untouched, comes back through the reconciler's requeue.
   * @defaultValue none
   */
  readonly onClaimFailed?: (message: EventProcessRef, error: unknown) => Promise<unknown>;
  /**
   * Whether a handler error is worth a retry.
   * @defaultValue `isRetryableError`: the error's `retryable` flag, else true
   */
  readonly isRetryable?: (error: unknown) => boolean;
  /** The time leases are measured from. @defaultValue the system clock */
  readonly clock?: Clock;
  /** Logs failures (warn while retried, error when final). @defaultValue `noopLogger` */
  readonly logger?: Logger;
  /** Hooks for metrics. @defaultValue none */
  readonly observer?: EventProcessObserver;
}

/** {@link EventProcessWorkerPoolOptions} with defaults applied and every field checked. */
export interface ResolvedEventProcessWorkerPoolOptions {
  readonly setup: ResolvedQueueSetup;
  readonly eventProcess: Pick<EventProcessStore, 'claim' | 'fail'>;
  readonly handlers: readonly (readonly [consumer: string, handler: EventProcessHandler])[];
  readonly concurrency: number;
  /** Attempts, back-off and retention of every job. */
  readonly jobOptions: DefaultJobOptions;
  readonly leaseMs: number;
  /** Runs of a record at most, the in-process one included. */
  readonly maxAttempts: number;
  /** Delay before the first retry, in ms. */
  readonly backoffMs: number;
  readonly afterHandled: ((record: EventProcessRecord) => Promise<unknown>) | null;
  readonly onClaimFailed: ((message: EventProcessRef, error: unknown) => Promise<unknown>) | null;
  readonly isRetryable: (error: unknown) => boolean;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly observer: EventProcessObserver;
}

const CONSUMER_NAME = /^[A-Za-z0-9._-]+$/;

/**
 * Applies the defaults of {@link EventProcessWorkerPoolOptions} and validates them.
 * @throws InvalidArgumentError naming every bad field and its value.
 */
export function resolveEventProcessWorkerPoolOptions(
  options: EventProcessWorkerPoolOptions,
): ResolvedEventProcessWorkerPoolOptions {
  const { setup, checks } = resolveQueueSetup(options);
  const handlers = Object.entries(options.handlers);
  const concurrency = options.concurrency ?? 8;
  const maxAttempts = options.maxAttempts ?? 5;
  const backoffMs = options.backoffMs ?? 200;
  const leaseMs = options.leaseMs ?? 60_000;
  const keepCompleted = options.keepCompleted ?? 1000;
  const keepFailed = options.keepFailed ?? 1000;
  checkOptions('EventProcessWorkerPool', [
    ...checks,
    [
      'eventProcess',
      '[eventProcess]',
      hasMethods(options.eventProcess, ['claim', 'fail']),
      'an EventProcessStore',
    ],
    [
      'handlers',
      handlers.map(([name]) => name),
      handlers.length > 0 &&
        handlers.every(([name, h]) => CONSUMER_NAME.test(name) && typeof h === 'function'),
      'at least one handler, keyed by consumer names of [A-Za-z0-9._-]',
    ],
    ['concurrency', concurrency, isPositiveInteger(concurrency), 'an integer > 0'],
    ['maxAttempts', maxAttempts, isPositiveInteger(maxAttempts), 'an integer > 0'],
    ['backoffMs', backoffMs, isPositiveInteger(backoffMs), 'an integer > 0'],
    ['leaseMs', leaseMs, isPositiveInteger(leaseMs), 'an integer > 0'],
    ['keepCompleted', keepCompleted, isPositiveInteger(keepCompleted), 'an integer > 0'],
    ['keepFailed', keepFailed, isPositiveInteger(keepFailed), 'an integer > 0'],
    [
      'onClaimFailed',
      '[value]',
      options.onClaimFailed === undefined || typeof options.onClaimFailed === 'function',
      'a function',
    ],
  ]);
  return {
    setup,
    eventProcess: options.eventProcess,
    handlers,
    concurrency,
    jobOptions: {
      attempts: maxAttempts,
      backoff: { type: 'exponential', delay: backoffMs },
      removeOnComplete: { count: keepCompleted },
      removeOnFail: { count: keepFailed },
    },
    leaseMs,
    maxAttempts,
    backoffMs,
    afterHandled: options.afterHandled ?? null,
    onClaimFailed: options.onClaimFailed ?? null,
    isRetryable: options.isRetryable ?? isRetryableError,
    clock: options.clock ?? systemClock,
    logger: options.logger ?? noopLogger,
    observer: options.observer ?? {},
  };
}
