/**
 * @packageDocumentation
 * The participant SDK: `createParticipant` runs a service's typed command handlers with
 * effectively-once semantics over Kafka, MySQL (EventProcess table, step results, outbox),
 * Redis and BullMQ.
 */
export type * from './command-context';
export * from './command-handler';
export * from './participant';
export type * from './participant-health';
export * from './participant-options';
export type * from './participant-metrics';
export * from './participant-prometheus-metrics';
export type {
  DeadLetterListQuery,
  DeadLetterPage,
  FailedRecordPage,
  FailedRecordQuery,
  ParticipantAdmin,
} from './participant-admin';
export * from './errors';
