import { decide } from '../decider/decide';
import { foldEvents } from '../decider/evolve';
import { isInputIgnored, type SagaDecision } from '../decider/saga-decision';
import { type Redelivery, type SagaInput } from '../decider/saga-input';
import { type AnySagaDefinition } from '../definition/saga-definition';
import {
  ConcurrencyError,
  describeError,
  DuplicateBusinessKeyError,
  InvalidArgumentError,
  SagaNotFoundError,
  SagaVersionMovedError,
  TimerSchedulingError,
} from '../errors/errors';
import { checkId, checkInteger } from '../errors/validation';
import { type OperatorActionName } from '../model/saga-event';
import { type ReplyInput } from '../model/reply-input';
import { type SagaState } from '../model/saga-state';
import { type SagaTimer } from '../model/saga-timer';
import { type AppendRequest, type StoredSagaEvent, type StreamRange } from '../ports/event-store';
import { type Logger, type LogFields, notifyObserver } from '../ports/logger';
import {
  type ResolvedSagaEngineOptions,
  resolveSagaEngineOptions,
  type SagaEngineOptions,
} from './saga-engine-options';
import { type SagaInputKind } from './saga-observer';
import { BatchTimers } from './batch-timers';

/** A request to start a saga. */
export interface StartSagaRequest {
  /** The definition's name. */
  readonly sagaType: string;
  /** Validated against the definition's input schema; becomes the saga's initial data. */
  readonly input: unknown;
  /**
   * Unique per saga type: a second start with it returns the first saga.
   * @defaultValue `null` (no deduplication)
   */
  readonly businessKey?: string | null;
  /**
   * The definition version to start on.
   * @defaultValue the latest registered version
   */
  readonly version?: number;
  /**
   * The new saga's id; a start with the id of an existing saga of the same type returns it.
   * @defaultValue a new id from the engine's `ids`
   */
  readonly sagaId?: string;
}

/** What {@link SagaEngine.start} returns. */
export interface StartSagaResult {
  readonly sagaId: string;
  /** False when the saga already existed (same business key, or same saga id). */
  readonly created: boolean;
  readonly state: SagaState;
}

/** An operator's action on a saga, recorded with who did it and why. */
export interface OperatorAction {
  readonly action: OperatorActionName;
  readonly actor: string;
  readonly reason: string;
  /**
   * The step to act on.
   * @defaultValue every step the action applies to
   */
  readonly step?: string;
  /**
   * The saga's version (its last event's seq) the operator acted on: the action is refused
   * with `SagaVersionMovedError` when the saga is at another one, also when another writer
   * appends while the action commits (it is then not decided again). Two clicks on one
   * view thus act once.
   * @defaultValue none: the action applies to whatever version is current
   */
  readonly expectedVersion?: number;
}

/** Options of {@link SagaEngine.handleReply}. */
export interface HandleReplyOptions {
  /** The EventProcess record of the reply, marked DONE in the same transaction. */
  readonly processed?: { readonly consumer: string; readonly messageId: string };
}

/** A saga of a batch of replies: its state before, and each reply's decision and append. */
interface BatchSaga {
  readonly before: SagaState;
  readonly decisions: readonly {
    readonly decision: SagaDecision;
    readonly reply: ReplyInput;
    readonly request: AppendRequest;
  }[];
}

/**
 * The application service that runs sagas: for every input (start, reply, timer, operator
 * action, an operator's redelivery of a message) it loads the saga's state, asks the pure
 * decider what to do, and commits the events, the state projection, the outbox messages
 * and the EventProcess mark in one append guarded by the optimistic lock. Then it refreshes the cache and sets the timers.
 *
 * The event store decides: the cache is only read first, and a state it held stale loses
 * the optimistic lock, which makes the engine reload from the store and decide again.
 *
 * @example
 * ```ts
 * const engine = new SagaEngine({ definitions, eventStore, scheduler, commandEncoder, clock, ids });
 * const { sagaId } = await engine.start({ sagaType: 'place-order', input, businessKey: 'order-1' });
 * await engine.handleReply(reply, { processed: { consumer: 'orchestrator', messageId: reply.replyId } });
 * ```
 */
export class SagaEngine {
  readonly #options: ResolvedSagaEngineOptions;

  constructor(options: SagaEngineOptions) {
    this.#options = resolveSagaEngineOptions(options);
  }

  /**
   * Starts a saga, or returns the existing one when its business key (or saga id) is
   * taken — never a second saga.
   *
   * @throws UnknownSagaTypeError when no such definition (version) is registered.
   * @throws InvalidSagaInputError when the input does not match the definition's schema.
   */
  async start(request: StartSagaRequest): Promise<StartSagaResult> {
    const { sagaType, input } = request;
    const businessKey = request.businessKey ?? null;
    if (typeof sagaType !== 'string' || sagaType === '') {
      throw new InvalidArgumentError('sagaType', sagaType, 'must be a non-empty string');
    }
    if (businessKey !== null && (typeof businessKey !== 'string' || businessKey === '')) {
      throw new InvalidArgumentError('businessKey', businessKey, 'must be a non-empty string');
    }
    const { definitions, eventStore, ids, clock } = this.#options;
    const definition =
      request.version === undefined
        ? definitions.latest(sagaType)
        : definitions.get(sagaType, checkInteger('version', request.version, 1));
    const log = this.#options.logger.child({ sagaType, businessKey });

    if (businessKey !== null) {
      const existing = await eventStore.findByBusinessKey(sagaType, businessKey);
      if (existing !== null) return this.#existing(existing, sagaType, log);
    }
    const sagaId = request.sagaId === undefined ? ids.newId() : checkId('sagaId', request.sagaId);
    const startedAt = clock.now();
    const decision = decide(
      definition,
      null,
      { type: 'start', sagaId, input, businessKey },
      startedAt,
    );
    try {
      await this.#commit(null, decision, startedAt, undefined);
    } catch (error: unknown) {
      if (error instanceof DuplicateBusinessKeyError) {
        return this.#existing(error.existingSagaId, sagaType, log);
      }
      if (error instanceof ConcurrencyError) {
        // The saga id is taken: a retried start with the same id gets the saga it created.
        const state = await this.getState(sagaId);
        if (state?.sagaType === sagaType) return this.#existing(sagaId, sagaType, log);
      }
      throw error;
    }
    log.child({ sagaId }).info('saga started', { sagaVersion: definition.version });
    await this.#afterCommit(null, decision, 'start', startedAt, log.child({ sagaId }));
    return { sagaId, created: true, state: decision.state };
  }

  /**
   * Applies a participant's reply. Duplicate and stale replies are recorded and change
   * nothing else.
   *
   * @throws SagaNotFoundError when no saga has the reply's saga id.
   */
  handleReply(reply: ReplyInput, options: HandleReplyOptions = {}): Promise<SagaState> {
    return this.#advance(reply.sagaId, reply, 'reply', options.processed, {
      step: reply.step,
      messageId: reply.replyId,
    });
  }

  /**
   * Applies a consumed batch of replies with one append (`EventStore.appendBatch`): the
   * replies of each saga in the order given, each decided on the state the previous one
   * left. Cache, timers and observers are updated as {@link handleReply} does, the timers
   * with one cancel and one schedule for the batch (a timer both set and cleared within it
   * is left alone).
   *
   * Resolves with the indexes of the replies it did not apply: all of them when the append
   * failed (a lost optimistic lock, a database error — nothing was written), and those of a
   * saga that could not be loaded or decided (unknown saga, unknown definition version).
   * The caller applies those with {@link handleReply}, which retries and reports one by one.
   */
  async handleReplies(
    replies: readonly { readonly reply: ReplyInput; readonly options?: HandleReplyOptions }[],
  ): Promise<readonly number[]> {
    const startedAt = this.#options.clock.now();
    const { left, applied } = await this.#decideBatch(replies);
    const requests = applied.flatMap((saga) => saga.decisions.map((d) => d.request));
    if (requests.length > 0) {
      try {
        await this.#options.eventStore.appendBatch(requests);
      } catch (error: unknown) {
        this.#options.logger.debug('batch append failed; the replies are applied one by one', {
          replies: replies.length,
          error: describeError(error),
        });
        return replies.map((_, index) => index);
      }
      await this.#afterBatch(applied, startedAt);
    }
    return left.sort((a, b) => a - b);
  }

  /**
   * Decides the replies of each saga in order, each on the state the previous one left.
   * `left`: the indexes of the replies of a saga that could not be loaded or decided.
   */
  async #decideBatch(
    replies: readonly { readonly reply: ReplyInput; readonly options?: HandleReplyOptions }[],
  ): Promise<{ left: number[]; applied: BatchSaga[] }> {
    const { clock } = this.#options;
    const bySaga = new Map<string, number[]>();
    replies.forEach(({ reply }, index) => {
      bySaga.set(reply.sagaId, [...(bySaga.get(reply.sagaId) ?? []), index]);
    });
    const states = await Promise.all(
      [...bySaga.keys()].map((sagaId) => this.#load(sagaId).catch(() => null)),
    );
    const left: number[] = [];
    const applied: BatchSaga[] = [];
    [...bySaga.values()].forEach((indexes, position) => {
      const before = states[position] ?? null;
      // handleReply tells what is wrong with these, reply by reply.
      if (before === null) {
        left.push(...indexes);
        return;
      }
      try {
        const definition = this.#definitionOf(before);
        const decisions: BatchSaga['decisions'][number][] = [];
        let state = before;
        for (const index of indexes) {
          const entry = replies[index];
          if (entry === undefined) continue;
          const now = clock.now();
          const decision = decide(definition, state, entry.reply, now);
          const request = this.#appendRequest(state, decision, now, entry.options?.processed);
          decisions.push({ decision, reply: entry.reply, request });
          state = decision.state;
        }
        applied.push({ before, decisions });
      } catch {
        left.push(...indexes);
      }
    });
    return { left, applied };
  }

  /** Logs, observer, cache and timers (one cancel, one schedule) of a committed batch. */
  async #afterBatch(applied: readonly BatchSaga[], startedAt: Date): Promise<void> {
    const timers = new BatchTimers();
    await Promise.all(
      applied.map(async ({ before, decisions }) => {
        let previous = before;
        for (const { decision, reply } of decisions) {
          const log = this.#logFor(previous).child({ step: reply.step, messageId: reply.replyId });
          this.#report(previous, decision, 'reply', startedAt, log);
          timers.add(decision);
          previous = decision.state;
        }
        await this.#cacheSet(previous);
      }),
    );
    await this.#setBatchTimers(timers);
  }

  /**
   * Applies a fired timer (a step timeout or the end of a retry back-off). A timer that is
   * no longer pending is recorded and changes nothing else.
   *
   * @throws SagaNotFoundError when no saga has the timer's saga id.
   */
  handleTimer(timer: SagaTimer): Promise<SagaState> {
    return this.#advance(timer.sagaId, { type: 'timer', timer }, 'timer', undefined, {
      step: timer.step,
      timerId: timer.timerId,
    });
  }

  /**
   * Applies an operator's action (retry a step, abort, retry a compensation, resolve).
   *
   * @throws SagaNotFoundError when no saga has that id.
   * @throws IllegalSagaActionError when the action is not allowed in the saga's state.
   */
  act(sagaId: string, action: OperatorAction): Promise<SagaState> {
    const input: SagaInput = {
      type: 'operator',
      action: action.action,
      actor: action.actor,
      reason: action.reason,
      ...(action.step === undefined ? {} : { step: action.step }),
    };
    return this.#advance(
      sagaId,
      input,
      'operator',
      undefined,
      {
        action: action.action,
        actor: action.actor,
        ...(action.step === undefined ? {} : { step: action.step }),
      },
      action.expectedVersion,
    );
  }

  /**
   * Records in the saga's history that an operator redelivered one of its messages (replayed
   * its dead letter, or retried its FAILED EventProcess record): a `MessageRedelivered`
   * event, appended like every decision (optimistic lock, retried after a lost lock, cache
   * refreshed). It changes nothing else and is accepted in any state, also after the saga
   * ended. Call it once the redelivery happened, so the history never claims one that did
   * not.
   *
   * @throws SagaNotFoundError when no saga has that id (a purged saga, say).
   * @throws IllegalSagaActionError when a field is missing or does not fit the kind.
   *
   * @example
   * ```ts
   * await replayDeadLetter(deadLetter, producer);
   * await engine.recordRedelivery(deadLetter.sagaId, {
   *   kind: 'dead-letter-replay',
   *   consumer: deadLetter.consumer,
   *   messageId: deadLetter.messageId,
   *   deadLetterId: deadLetter.id,
   *   actor: 'ops-ann',
   *   reason: 'the ledger handler for Teleport is deployed',
   * });
   * ```
   */
  recordRedelivery(sagaId: string, redelivery: Redelivery): Promise<SagaState> {
    const { kind, consumer, messageId, deadLetterId, actor, reason } = redelivery;
    return this.#advance(
      sagaId,
      { type: 'redelivery', kind, consumer, messageId, deadLetterId, actor, reason },
      'operator',
      undefined,
      { redelivery: kind, consumer, messageId, deadLetterId, actor },
    );
  }

  /** The saga's current state (cache first, then the store), or null if it does not exist. */
  async getState(sagaId: string): Promise<SagaState | null> {
    const cached = await this.#cacheGet(sagaId);
    if (cached !== null) return cached;
    const state = await this.#loadFromStore(sagaId);
    if (state !== null) await this.#cacheSet(state);
    return state;
  }

  /** The saga's events in order (with a range: a page of them); empty if it does not exist. */
  getHistory(sagaId: string, range?: StreamRange): Promise<readonly StoredSagaEvent[]> {
    return this.#options.eventStore.readStream(sagaId, range);
  }

  /**
   * Schedules every timer the saga needs (`state.pendingTimers`): recovery after a crash
   * between a commit and its scheduling. Harmless when they exist: scheduling is
   * idempotent per timer id.
   *
   * @throws TimerSchedulingError (retryable) when the scheduler fails.
   */
  async rearmTimers(state: SagaState): Promise<void> {
    if (state.pendingTimers.length === 0) return;
    try {
      await this.#options.scheduler.schedule(state.pendingTimers);
    } catch (error: unknown) {
      this.#reportSchedulingError(state.sagaId, error, this.#logFor(state));
      throw new TimerSchedulingError(state.sagaId, { cause: error });
    }
  }

  /** Decides `input` for the saga and commits it, deciding again after a lost lock. */
  async #advance(
    sagaId: string,
    input: SagaInput,
    kind: SagaInputKind,
    processed: HandleReplyOptions['processed'],
    fields: LogFields,
    expectedVersion?: number,
  ): Promise<SagaState> {
    const { clock, maxConflictRetries } = this.#options;
    const startedAt = clock.now();
    // A version to check against is read from the store: the cache may lag behind it.
    let state =
      expectedVersion === undefined ? await this.#load(sagaId) : await this.#loadFromStore(sagaId);
    for (let retry = 1; ; retry += 1) {
      if (state === null) throw new SagaNotFoundError(sagaId);
      if (expectedVersion !== undefined && state.version !== expectedVersion) {
        throw new SagaVersionMovedError(sagaId, expectedVersion, state.version);
      }
      const log = this.#logFor(state).child(fields);
      const now = clock.now();
      const decision = decide(this.#definitionOf(state), state, input, now);
      try {
        await this.#commit(state, decision, now, processed);
      } catch (error: unknown) {
        if (!(error instanceof ConcurrencyError)) throw error;
        const willRetry = retry <= maxConflictRetries;
        log.warn('lost the optimistic lock to another writer', {
          expectedVersion: state.version,
          retry,
          willRetry,
        });
        notifyObserver(
          this.#options.observer,
          'onConflict',
          {
            sagaId,
            sagaType: state.sagaType,
            expectedVersion: state.version,
            retry,
            willRetry,
          },
          { logger: log, component: 'saga engine' },
        );
        if (!willRetry) throw error;
        await this.#cacheDelete(sagaId);
        state = await this.#loadFromStore(sagaId);
        continue;
      }
      await this.#afterCommit(state, decision, kind, startedAt, log);
      return decision.state;
    }
  }

  /** Appends the decision: events, state, outbox messages and the EventProcess mark together. */
  async #commit(
    before: SagaState | null,
    decision: SagaDecision,
    now: Date,
    processed: HandleReplyOptions['processed'],
  ): Promise<void> {
    await this.#options.eventStore.append(this.#appendRequest(before, decision, now, processed));
  }

  #appendRequest(
    before: SagaState | null,
    decision: SagaDecision,
    now: Date,
    processed: HandleReplyOptions['processed'],
  ): AppendRequest {
    const { commandEncoder } = this.#options;
    return {
      sagaId: decision.state.sagaId,
      expectedVersion: before?.version ?? 0,
      events: decision.events,
      state: decision.state,
      outbox: decision.commands.map((command) => commandEncoder.encode(command, now)),
      ...(processed === undefined ? {} : { processed }),
    };
  }

  /** Cache, timers, logs and observer after a commit; only the timers may throw. */
  async #afterCommit(
    before: SagaState | null,
    decision: SagaDecision,
    kind: SagaInputKind,
    startedAt: Date,
    log: Logger,
  ): Promise<void> {
    await this.#cacheSet(decision.state);
    this.#report(before, decision, kind, startedAt, log);
    await this.#setTimers(decision, log);
  }

  /** Logs the decision and tells the observer. */
  #report(
    before: SagaState | null,
    decision: SagaDecision,
    kind: SagaInputKind,
    startedAt: Date,
    log: Logger,
  ): void {
    const { state, events, commands } = decision;
    for (const command of commands) {
      log.debug('command dispatched', {
        step: command.step,
        messageId: command.messageId,
        direction: command.direction,
        attempt: command.attempt,
        participant: command.participant,
        command: command.command,
      });
    }
    log.debug('decision committed', {
      input: kind,
      events: events.map((e) => e.type),
      status: state.status,
      version: state.version,
    });
    if (before !== null && before.status !== state.status) {
      log.info('saga status changed', { from: before.status, to: state.status });
    }
    notifyObserver(
      this.#options.observer,
      'onDecision',
      {
        sagaId: state.sagaId,
        sagaType: state.sagaType,
        input: kind,
        before,
        after: state,
        events,
        commands,
        durationMs: this.#options.clock.now().getTime() - startedAt.getTime(),
      },
      { logger: log, component: 'saga engine' },
    );
  }

  /** The timers of a batch's decisions; a failure is reported, not thrown (see below). */
  async #setBatchTimers(timers: BatchTimers): Promise<void> {
    const { scheduler } = this.#options;
    const { cancel, schedule } = timers.net();
    const failures: { sagaIds: readonly string[]; error: unknown }[] = [];
    if (cancel.length > 0) {
      await scheduler.cancel(cancel.map((t) => t.timerId)).catch((error: unknown) => {
        failures.push({ sagaIds: cancel.map((t) => t.sagaId), error });
      });
    }
    if (schedule.length > 0) {
      await scheduler.schedule(schedule).catch((error: unknown) => {
        failures.push({ sagaIds: schedule.map((t) => t.sagaId), error });
      });
    }
    // The records are DONE with the decisions: like handleReply's retry, which finds its
    // record DONE, nothing would run them again. Recovery and reconciliation re-arm the
    // pending timers of every active saga from its stored state.
    for (const { sagaIds, error } of failures) {
      for (const sagaId of new Set(sagaIds)) {
        this.#reportSchedulingError(sagaId, error, this.#options.logger.child({ sagaId }));
      }
    }
  }

  /**
   * Cancels and schedules the decision's timers. An ignored input re-arms every pending
   * timer instead: it is often a redelivery after a failed scheduling, and scheduling is
   * idempotent per timer id.
   */
  async #setTimers(decision: SagaDecision, log: Logger): Promise<void> {
    const { scheduler } = this.#options;
    const { state, timers } = decision;
    const schedule = isInputIgnored(decision) ? state.pendingTimers : timers.schedule;
    const errors: unknown[] = [];
    if (timers.cancel.length > 0) {
      await scheduler.cancel(timers.cancel).catch((error: unknown) => errors.push(error));
    }
    if (schedule.length > 0) {
      await scheduler.schedule(schedule).catch((error: unknown) => errors.push(error));
    }
    if (errors.length === 0) return;
    const error = errors.length === 1 ? errors[0] : new AggregateError(errors);
    this.#reportSchedulingError(state.sagaId, error, log);
    throw new TimerSchedulingError(state.sagaId, { cause: error });
  }

  /** The state to decide on: the cache's, else the store's projection, else a replay. */
  async #load(sagaId: string): Promise<SagaState | null> {
    return (await this.#cacheGet(sagaId)) ?? this.#loadFromStore(sagaId);
  }

  async #loadFromStore(sagaId: string): Promise<SagaState | null> {
    const { eventStore } = this.#options;
    const projected = await eventStore.loadState(sagaId);
    if (projected !== null) return projected;
    const stream = await eventStore.readStream(sagaId);
    return stream.length === 0 ? null : foldEvents(stream.map((stored) => stored.event));
  }

  async #existing(sagaId: string, sagaType: string, log: Logger): Promise<StartSagaResult> {
    const state = await this.getState(sagaId);
    if (state === null) throw new SagaNotFoundError(sagaId);
    log.child({ sagaId }).info('saga already exists; returning it');
    notifyObserver(
      this.#options.observer,
      'onDuplicateStart',
      { sagaId, sagaType },
      { logger: log, component: 'saga engine' },
    );
    return { sagaId, created: false, state };
  }

  #definitionOf(state: SagaState): AnySagaDefinition {
    return this.#options.definitions.get(state.sagaType, state.sagaVersion);
  }

  #logFor(state: SagaState): Logger {
    return this.#options.logger.child({ sagaId: state.sagaId, sagaType: state.sagaType });
  }

  async #cacheGet(sagaId: string): Promise<SagaState | null> {
    const cache = this.#options.stateCache;
    if (cache === null) return null;
    try {
      return await cache.get(sagaId);
    } catch (error: unknown) {
      this.#reportCacheError(sagaId, 'get', error);
      return null;
    }
  }

  async #cacheSet(state: SagaState): Promise<void> {
    const cache = this.#options.stateCache;
    if (cache === null) return;
    try {
      await cache.set(state);
    } catch (error: unknown) {
      this.#reportCacheError(state.sagaId, 'set', error);
    }
  }

  async #cacheDelete(sagaId: string): Promise<void> {
    const cache = this.#options.stateCache;
    if (cache === null) return;
    try {
      await cache.delete(sagaId);
    } catch (error: unknown) {
      this.#reportCacheError(sagaId, 'delete', error);
    }
  }

  /** The store decides, so a cache failure is logged and reported, never thrown. */
  #reportCacheError(sagaId: string, operation: 'get' | 'set' | 'delete', error: unknown): void {
    const log = this.#options.logger.child({ sagaId });
    log.warn(`saga state cache ${operation} failed; carrying on without the cache`, {
      error: describeError(error),
    });
    notifyObserver(
      this.#options.observer,
      'onCacheError',
      { sagaId, operation, error },
      { logger: log, component: 'saga engine' },
    );
  }

  #reportSchedulingError(sagaId: string, error: unknown, log: Logger): void {
    log.error('timers could not be set after the commit; recovery re-arms them', {
      error: describeError(error),
    });
    notifyObserver(
      this.#options.observer,
      'onSchedulingError',
      { sagaId, error },
      { logger: log, component: 'saga engine' },
    );
  }
}
