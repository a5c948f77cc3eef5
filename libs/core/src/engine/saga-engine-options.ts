import { type DefinitionRegistry } from '../definition/definition-registry';
import { checkInteger, checkPort } from '../errors/validation';
import { InvalidArgumentError } from '../errors/errors';
import { type Clock } from '../ports/clock';
import { type CommandEncoder } from '../ports/command-encoder';
import { type EventStore } from '../ports/event-store';
import { type IdGenerator } from '../ports/id-generator';
import { type Logger, noopLogger } from '../ports/logger';
import { type SagaStateCache } from '../ports/saga-state-cache';
import { type Scheduler } from '../ports/scheduler';
import { type SagaObserver } from './saga-observer';

/** What a {@link SagaEngine} runs on. */
export interface SagaEngineOptions {
  /** The definitions sagas start on (latest version) and continue on (their own version). */
  readonly definitions: DefinitionRegistry;
  /** The source of truth: events, state projection, outbox and EventProcess marks. */
  readonly eventStore: EventStore;
  /** Durable timers: step timeouts and retry back-offs. */
  readonly scheduler: Scheduler;
  /** Turns the decided commands into outbox messages. */
  readonly commandEncoder: CommandEncoder;
  /** The time every decision is made at. */
  readonly clock: Clock;
  /** New saga ids, when a start request brings none. */
  readonly ids: IdGenerator;
  /**
   * A cache of saga states, read before the store and written after each commit. Never
   * trusted: a failure is a miss, and a stale state loses the optimistic lock.
   * @defaultValue none: states are read from the store
   */
  readonly stateCache?: SagaStateCache;
  /**
   * Where the engine logs, with `sagaId`, `sagaType`, `step` and `messageId` fields.
   * @defaultValue `noopLogger`
   */
  readonly logger?: Logger;
  /**
   * Hooks for metrics.
   * @defaultValue none
   */
  readonly observer?: SagaObserver;
  /**
   * How many times an input is decided again after losing the optimistic lock to another
   * writer, before the `ConcurrencyError` is rethrown. An integer from 0 to 100.
   * @defaultValue `5`
   */
  readonly maxConflictRetries?: number;
}

/** {@link SagaEngineOptions} with defaults applied and every field checked. */
export interface ResolvedSagaEngineOptions {
  readonly definitions: DefinitionRegistry;
  readonly eventStore: EventStore;
  readonly scheduler: Scheduler;
  readonly commandEncoder: CommandEncoder;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly stateCache: SagaStateCache | null;
  readonly logger: Logger;
  readonly observer: SagaObserver;
  readonly maxConflictRetries: number;
}

/**
 * Applies the defaults of {@link SagaEngineOptions} and validates every field.
 *
 * @throws InvalidArgumentError naming the first bad field and its value.
 *
 * @example
 * ```ts
 * resolveSagaEngineOptions({ ...ports, maxConflictRetries: -1 });
 * // InvalidArgumentError: invalid maxConflictRetries: -1 (must be an integer between 0 and 100)
 * ```
 */
export function resolveSagaEngineOptions(options: SagaEngineOptions): ResolvedSagaEngineOptions {
  if (!isObject(options)) {
    throw new InvalidArgumentError('options', options, 'must be a SagaEngineOptions object');
  }
  return {
    definitions: checkPort('definitions', options.definitions, ['get', 'latest']),
    eventStore: checkPort('eventStore', options.eventStore, [
      'append',
      'readStream',
      'findByBusinessKey',
      'loadState',
    ]),
    scheduler: checkPort('scheduler', options.scheduler, ['schedule', 'cancel']),
    commandEncoder: checkPort('commandEncoder', options.commandEncoder, ['encode']),
    clock: checkPort('clock', options.clock, ['now']),
    ids: checkPort('ids', options.ids, ['newId']),
    stateCache:
      options.stateCache === undefined
        ? null
        : checkPort('stateCache', options.stateCache, ['get', 'set', 'delete']),
    logger:
      options.logger === undefined
        ? noopLogger
        : checkPort('logger', options.logger, ['debug', 'info', 'warn', 'error', 'child']),
    observer: checkObserver(options.observer),
    maxConflictRetries: checkInteger('maxConflictRetries', options.maxConflictRetries ?? 5, 0, 100),
  };
}

function checkObserver(observer: SagaObserver | undefined): SagaObserver {
  if (observer === undefined) return {};
  if (!isObject(observer)) {
    throw new InvalidArgumentError('observer', observer, 'must be an object of optional hooks');
  }
  for (const [hook, value] of Object.entries(observer)) {
    if (value !== undefined && typeof value !== 'function') {
      throw new InvalidArgumentError(`observer.${hook}`, value, 'must be a function');
    }
  }
  return observer;
}

/** Checked at run time too: JavaScript callers get an error naming the field. */
function isObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null;
}
