/**
 * @packageDocumentation
 * The participant SDK, for the services that execute a saga's commands: their typed command
 * handlers run with effectively-once semantics — business change, reply and EventProcess
 * record in one MySQL transaction — over Kafka, MySQL, Redis and BullMQ.
 *
 * Entry points: {@link createParticipant} (a {@link Participant}, configured by
 * {@link ParticipantOptions}) with its handlers from {@link implementParticipant} (a
 * contract of core's `defineParticipant`) or {@link commandHandler} (a zod schema per
 * command), each given a {@link CommandContext}; `participant.admin`
 * ({@link ParticipantAdmin}) for dead letters and FAILED records; and
 * {@link createParticipantPrometheusMetrics} for its `observer` ({@link ParticipantObserver}):
 * what it does, counted in Prometheus metrics.
 */
export { createParticipant, Participant } from './participant';
export type { ParticipantOptions } from './participant-options';
export {
  commandHandler,
  implementParticipant,
  type CommandHandler,
  type CommandHandlers,
  type ContractHandlers,
} from './command-handler';
export type { CommandContext } from './command-context';
export type { ParticipantAdmin } from './participant-admin';
export type { CommandOutcome, ParticipantObserver } from './participant-observer';
export {
  createParticipantPrometheusMetrics,
  type ParticipantPrometheusMetricsOptions,
} from './participant-prometheus-metrics';
