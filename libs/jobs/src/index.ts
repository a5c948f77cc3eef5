/**
 * @packageDocumentation
 * BullMQ queues and workers for the orchestrator and the participant SDK (and any runtime
 * wired by hand): durable step timeouts, the EventProcess worker pool with its retries, and
 * the recurring maintenance jobs (reconciliation, recovery, purges).
 *
 * Entry points: {@link createQueueConnection}, {@link BullTimerScheduler} behind a
 * {@link DeferredTimerScheduler} (core's `Scheduler`), {@link TimerWorker},
 * {@link EventProcessWorkerPool}, {@link RecurringJobs}, and {@link isRetryableError}.
 */
export { createQueueConnection, type QueueConnectionOptions } from './create-queue-connection';
export { isRetryableError } from './job-runs';
export { BullTimerScheduler, type BullTimerSchedulerOptions } from './bull-timer-scheduler';
export {
  DeferredTimerScheduler,
  type DeferredTimerSchedulerOptions,
} from './deferred-timer-scheduler';
export { TimerWorker, type TimerWorkerObserver, type TimerWorkerOptions } from './timer-worker';
export { EventProcessWorkerPool } from './event-process-worker-pool';
export type {
  EventProcessHandler,
  EventProcessObserver,
  EventProcessRun,
  EventProcessWorkerPoolOptions,
} from './event-process-worker-pool-options';
export { RecurringJobs, type RecurringJobsOptions } from './recurring-jobs';
export type { LostJobObserver } from './lost-job';
