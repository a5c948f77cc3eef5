/**
 * @packageDocumentation
 * The pure saga model, for saga authors and for the runtimes that run sagas: the definition
 * DSL, the saga events and state, the decider, the `SagaEngine` application service over
 * its ports, and the typed errors every Sagaflow lib throws. No I/O, no clock, no
 * randomness; fakes, contract suites and the test kit are in `@sagaflow/core/testing`.
 *
 * Entry points: {@link defineSaga} (typed by the contracts of {@link defineParticipant}) and
 * {@link DefinitionRegistry}; {@link decide} and {@link foldEvents}; {@link SagaEngine} over
 * the ports ({@link EventStore}, {@link Outbox}, {@link EventProcessStore},
 * {@link Scheduler}, {@link SagaStateCache}, {@link DeadLetterStore}, {@link Clock},
 * {@link IdGenerator}, {@link Logger}, {@link CommandEncoder}); {@link toGraph},
 * {@link toMermaid} and {@link auditSagaStream}; {@link ServiceLifecycle} for a service's
 * start-up and ordered shutdown; the errors under {@link SagaflowError}, with
 * {@link BusinessError} for a participant's refusals and {@link checkOptions} for options.
 */
export { defineSaga } from './definition/define-saga';
export type { SagaBuilder } from './definition/saga-builder';
export type { CompensatableStepBuilder, ForwardStepBuilder } from './definition/step-builder';
export type { ParallelGroupBuilder } from './definition/parallel-group-builder';
export { DEFAULT_STEP_TIMEOUT_MS, type DefineSagaOptions } from './definition/saga-draft';
export type { RetryPolicy } from './definition/retry-policy';
export {
  defineParticipant,
  type CommandContract,
  type ParticipantContract,
  type ParticipantContractOf,
} from './definition/command-contract';
export type { AnySagaDefinition, SagaDefinition, StepKind } from './definition/saga-definition';
export { COMMAND_NAME_PATTERN, NAME_PATTERN } from './definition/definition-names';
export { DefinitionRegistry } from './definition/definition-registry';
export { decide } from './decider/decide';
export { foldEvents } from './decider/evolve';
export type { SagaDecision } from './decider/saga-decision';
export type { Redelivery, SagaInput } from './decider/saga-input';
export type { ReplyFailure, ReplyInput } from './model/reply-input';
export { commandMessageId } from './decider/saga-ids';
export { auditSagaStream } from './decider/stream-audit';
export {
  toGraph,
  type DefinitionGraph,
  type GraphNode,
  type GraphRetryPolicy,
  type GraphStepNode,
} from './graph/definition-graph';
export { toMermaid } from './graph/to-mermaid';
export type { JsonObject, JsonValue } from './model/json';
export { isParkedStatus, isTerminalStatus, SAGA_STATUSES, SagaStatus } from './model/saga-status';
export type { StepFailure } from './model/step-failure';
export type { SagaTimer } from './model/saga-timer';
export type { Direction, SagaCommand } from './model/saga-command';
export type {
  AttemptFailed,
  CommandDispatched,
  CompensationFailed,
  CompensationStarted,
  InputIgnored,
  MessageRedelivered,
  OperatorActionName,
  OperatorActionRecorded,
  RetryScheduled,
  SagaCompensated,
  SagaCompleted,
  SagaEvent,
  SagaStarted,
  StepCompensated,
  StepFailed,
  StepSucceeded,
} from './model/saga-event';
export type { SagaFailureInfo, SagaState, StepState, StepStatus } from './model/saga-state';
export { SagaEngine, type HandleReplyOptions } from './engine/saga-engine';
export type { SagaEngineOptions } from './engine/saga-engine-options';
export type { DecisionObservation, SagaInputKind, SagaObserver } from './engine/saga-observer';
export type { AppendRequest, EventStore, StoredSagaEvent, StreamRange } from './ports/event-store';
export { checkAppendBatch, checkAppendRequest } from './ports/check-append-request';
export type { Outbox, OutboxMessage, OutboxRecord } from './ports/outbox';
export type {
  EventProcessMessage,
  EventProcessRecord,
  EventProcessRef,
  EventProcessStatus,
  EventProcessStore,
  ReceiveResult,
} from './ports/event-process-store';
export type { Scheduler } from './ports/scheduler';
export type { SagaStateCache } from './ports/saga-state-cache';
export type {
  DeadLetter,
  DeadLetterQuery,
  DeadLetterStore,
  StoredDeadLetter,
} from './ports/dead-letter-store';
export { systemClock, type Clock } from './ports/clock';
export type { IdGenerator } from './ports/id-generator';
export { noopLogger, notifyObserver, type LogFields, type Logger } from './ports/logger';
export type { CommandEncoder } from './ports/command-encoder';
export {
  BusinessError,
  ConcurrencyError,
  ConflictError,
  DeadLetterAlreadyReplayedError,
  DeadLetterNotFoundError,
  DefinitionError,
  describeError,
  DuplicateBusinessKeyError,
  FailedRecordNotFoundError,
  IllegalSagaActionError,
  InvalidArgumentError,
  InvalidSagaInputError,
  NotFoundError,
  RequestValidationError,
  SagaflowError,
  SagaNotFoundError,
  SagaVersionMovedError,
  ShutdownError,
  TimerSchedulingError,
  TransientError,
  UnknownSagaTypeError,
  type CloseFailure,
  type ErrorContext,
  type FieldIssue,
  type RequestPart,
  type SagaflowErrorOptions,
} from './errors/errors';
export {
  describeValue,
  errorMessage,
  formatIssues,
  formatPath,
  isSecretName,
  MAX_REPORTED_ISSUES,
  REDACTED,
  redactUrlCredentials,
} from './errors/describe';
export {
  checkDate,
  checkInteger,
  checkOptions,
  hasMethods,
  isAscendingPositiveList,
  isNonEmptyString,
  isNonNegativeInteger,
  isPositiveInteger,
  type OptionCheck,
} from './errors/validation';
export {
  ServiceLifecycle,
  type ServiceLifecycleOptions,
  type StopStage,
} from './lifecycle/service-lifecycle';
