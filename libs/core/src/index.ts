/**
 * @packageDocumentation
 * The pure saga model: the definition DSL, saga events, the `evolve`/`decide` functions,
 * the ports the runtime implements, and the typed errors. No I/O.
 */
export * from './errors/errors';
export * from './errors/describe';
export * from './errors/validation';
export type * from './model/json';
export type * from './model/direction';
export * from './model/saga-status';
export type * from './model/step-failure';
export type * from './model/saga-timer';
export type * from './model/saga-command';
export type * from './model/saga-event';
export type * from './model/saga-state';
export type * from './ports/event-store';
export { checkAppendBatch, checkAppendRequest } from './ports/check-append-request';
export type * from './ports/outbox';
export type * from './ports/event-process-store';
export type * from './ports/scheduler';
export type * from './ports/saga-state-cache';
export * from './ports/clock';
export type * from './ports/id-generator';
export * from './ports/logger';
export type * from './model/reply-input';
export type * from './ports/command-encoder';
export { defineSaga } from './definition/define-saga';
export {
  defineParticipant,
  type CommandContract,
  type CommandSpec,
  type ParticipantContract,
  type ParticipantContractOf,
} from './definition/command-contract';
export { SagaBuilder } from './definition/saga-builder';
export {
  DEFAULT_STEP_TIMEOUT_MS,
  type DefineSagaOptions,
  type SagaDefaults,
} from './definition/saga-draft';
export type {
  CompensatableStepBuilder,
  CompensationOptions,
  EmptyPatch,
  ForwardStepBuilder,
} from './definition/step-builder';
export type { ParallelGroupBuilder } from './definition/parallel-group-builder';
export type { MergeData } from './definition/merge-data';
export * from './definition/saga-definition';
export {
  DEFAULT_COMPENSATION_RETRY_POLICY,
  DEFAULT_RETRIABLE_RETRY_POLICY,
  DEFAULT_RETRY_POLICY,
  jitterFraction,
  resolveRetryPolicy,
  retryDelayMs,
  type ResolvedRetryPolicy,
  type RetryPolicy,
  type RetryPolicyResolution,
} from './definition/retry-policy';
export { COMMAND_NAME_PATTERN, NAME_PATTERN } from './definition/definition-names';
export { DefinitionRegistry } from './definition/definition-registry';
export { decide } from './decider/decide';
export { evolve, foldEvents } from './decider/evolve';
export { commandMessageId, timerId } from './decider/saga-ids';
export { isInputIgnored, type SagaDecision } from './decider/saga-decision';
export type * from './decider/saga-input';
export {
  auditSagaStream,
  type StreamInvariant,
  type StreamViolation,
} from './decider/stream-audit';
export * from './graph/definition-graph';
export { toMermaid } from './graph/to-mermaid';
export * from './engine/saga-engine';
export * from './engine/saga-engine-options';
export type * from './engine/saga-observer';
export type * from './ports/dead-letter-store';
