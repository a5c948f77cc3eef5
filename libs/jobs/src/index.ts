/**
 * @packageDocumentation
 * BullMQ queues and workers: timeouts, retries, EventProcess pool, reconciliation schedule.
 */
export * from './create-queue-connection';
export type { QueueSetup } from './queue-setup';
export { isRetryableError } from './is-retryable-error';
export { BullTimerScheduler, type BullTimerSchedulerOptions } from './bull-timer-scheduler';
export * from './deferred-timer-scheduler';
export * from './timer-worker';
export * from './event-process-worker-pool';
export { runInSagaOrder } from './saga-ordered-runs';
export type {
  EventProcessHandler,
  EventProcessRun,
  EventProcessObserver,
  EventProcessWorkerPoolOptions,
} from './event-process-worker-pool-options';
export * from './recurring-jobs';
export type { LostJob, LostJobObserver } from './lost-job';
