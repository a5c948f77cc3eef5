/**
 * @packageDocumentation
 * BullMQ queues and workers: timeouts, retries, EventProcess pool, reconciliation schedule.
 */
export * from './create-queue-connection';
