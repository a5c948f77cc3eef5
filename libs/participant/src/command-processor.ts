import {
  BusinessError,
  type Clock,
  type Direction,
  type ErrorContext,
  type InboxRecord,
  type JsonObject,
  type Logger,
  type ReplyFailure,
} from '@sagaflow/core';
import {
  type CommandEnvelope,
  decodeCommand,
  failureReply,
  type ReplyEnvelope,
  replyToOutboxMessage,
  successReply,
  type TopicNames,
} from '@sagaflow/messaging';
import {
  type MySqlInbox,
  OutboxWriter,
  retryOnDeadlock,
  type StepResultKey,
  StepResults,
} from '@sagaflow/mysql';
import { type DataSource, type EntityManager } from 'typeorm';

import { type CommandContext } from './command-context';
import { type CommandHandler, type CommandHandlers } from './command-handler';
import { ForwardPendingError } from './forward-pending-error';
import { HandlerFailedError } from './handler-failed-error';
import { type CommandOutcome } from './participant-metrics';
import { type ParticipantMonitor } from './participant-monitor';
import { StepResultRaceError } from './step-result-race-error';
import { type StoredReply, storedPayload } from './stored-reply';

/** What {@link CommandProcessor} needs; `createParticipant` wires it. */
export interface CommandProcessorOptions {
  /** The participant's name: the EventProcess consumer and the replies' `source`. */
  readonly consumer: string;
  readonly dataSource: DataSource;
  /** The MySQL inbox itself: its `…In(manager)` methods write in the handler's transaction. */
  readonly inbox: MySqlInbox;
  readonly topics: TopicNames;
  readonly handlers: CommandHandlers;
  /** Runs of a handler before a retryable error becomes a technical failure reply. */
  readonly maxHandlerAttempts: number;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly monitor: ParticipantMonitor;
  /** Called after every commit that wrote a reply: wakes the outbox relay. */
  readonly onCommitted: () => void;
}

/** Deadlock victims run again this many times before the error goes to the worker pool. */
const DEADLOCK_RETRIES = 5;
/** Lost `step_result` races run again this many times (the next run reads the winner's result). */
const RACE_RETRIES = 3;

const OPPOSITE: Readonly<Record<Direction, Direction>> = {
  forward: 'compensation',
  compensation: 'forward',
};

/**
 * Processes one claimed EventProcess record of a participant: the worker pool's handler.
 *
 * Every outcome commits in one READ COMMITTED transaction (run again if it is a deadlock
 * victim) together with its reply in the outbox and the record's status:
 *
 * - forward: a stored success for the step answers this attempt with the stored payload
 *   (the handler does not run again); otherwise the `step_result` row is inserted first —
 *   its primary key serialises concurrent attempts, and the loser runs again and answers
 *   from the winner's result — then, if the step was compensated already, the command is
 *   refused (`ALREADY_COMPENSATED`); else the handler runs and its result is stored;
 * - compensation: a stored result answers; while the forward command of the step is still
 *   RECEIVED or PROCESSING the compensation waits (a retryable {@link ForwardPendingError});
 *   if the forward never applied, the compensation is recorded and answered success without
 *   running the handler (nothing to undo) — which also makes a late forward refuse;
 * - a `BusinessError` (or a payload failing the handler's schema: `INVALID_PAYLOAD`) rolls
 *   the change back; a new transaction writes the business failure reply and marks the
 *   record DONE;
 * - any other error is thrown for the pool to retry, until the record's attempts reach
 *   `maxHandlerAttempts` (or the error is terminal): then a technical failure reply
 *   (`HANDLER_FAILED`) is written, the record is marked FAILED and a
 *   {@link HandlerFailedError} is thrown.
 *
 * The opposite direction's row is read with a shared lock after inserting this one's, so a
 * forward and a compensation of the same step racing each other are serialised too.
 */
export class CommandProcessor {
  readonly #o: CommandProcessorOptions;
  readonly #stepResults: StepResults;
  readonly #outbox: OutboxWriter;

  constructor(options: CommandProcessorOptions) {
    this.#o = options;
    this.#stepResults = new StepResults({ clock: options.clock });
    this.#outbox = new OutboxWriter({ clock: options.clock });
  }

  /** Processes the record; resolves once its reply is committed. */
  async process(record: InboxRecord): Promise<CommandOutcome> {
    const decoded = decodeCommand(record.payload);
    // The consumer decoded the record before storing it: only a row changed by hand gets
    // here. The error is terminal, so the pool marks the record FAILED.
    if (!decoded.ok) throw decoded.error;
    const command = decoded.envelope;
    const direction: Direction = command.kind === 'command' ? 'forward' : 'compensation';
    const context: ErrorContext = {
      sagaId: command.sagaId,
      sagaType: command.sagaType,
      step: command.step,
      messageId: command.messageId,
      messageType: command.messageType,
      direction,
      attempt: command.attempt,
    };
    const log = this.#o.logger.child(context);
    const started = performance.now();

    let outcome: CommandOutcome;
    try {
      outcome = await this.#transaction((manager) =>
        this.#apply(manager, command, direction, context, log),
      );
    } catch (error) {
      if (!(error instanceof BusinessError)) {
        return this.#failed(record, command, direction, error, context, log, started);
      }
      await this.#transaction(async (manager) => {
        const failure = { kind: 'business', code: error.reason, message: error.message } as const;
        await this.#write(manager, failureReply(command, failure, this.#meta()));
        await this.#o.inbox.completeIn(manager, this.#o.consumer, command.messageId);
      });
      this.#o.monitor.failure(command.messageType, 'business', error.reason);
      outcome = 'business-failure';
    }
    this.#o.onCommitted();
    if (outcome === 'stored') this.#o.monitor.duplicate('step-applied', 1);
    const durationMs = Math.round(performance.now() - started);
    this.#o.monitor.handled(command.messageType, direction, outcome, durationMs);
    log.info('command answered', { outcome, durationMs });
    return outcome;
  }

  async #apply(
    manager: EntityManager,
    command: CommandEnvelope,
    direction: Direction,
    context: ErrorContext,
    log: Logger,
  ): Promise<CommandOutcome> {
    const { consumer, inbox } = this.#o;
    const key: StepResultKey = { consumer, sagaId: command.sagaId, step: command.step, direction };

    const stored = await this.#stepResults.find(manager, key);
    if (stored !== null) {
      log.info('step already answered: replying with the stored result', {
        storedBy: stored.messageId,
      });
      await this.#succeed(manager, command, storedPayload(stored.reply));
      return 'stored';
    }
    const handler = this.#o.handlers[command.messageType];
    if (handler === undefined) {
      throw new BusinessError(
        'UNKNOWN_MESSAGE_TYPE',
        `'${consumer}' has no handler for '${command.messageType}'`,
        context,
      );
    }
    if (
      direction === 'compensation' &&
      (await inbox.pendingForwardExists(manager, consumer, command.sagaId, command.step))
    ) {
      throw new ForwardPendingError(context);
    }
    const inserted = await this.#stepResults.insert(manager, {
      ...key,
      messageId: command.messageId,
      attempt: command.attempt,
    });
    if (inserted.duplicate) throw new StepResultRaceError(context);

    // A locking read: it waits for a concurrent transaction of the other direction and sees
    // what it committed, where a plain read could miss it.
    const other = await this.#stepResults.find(
      manager,
      { ...key, direction: OPPOSITE[direction] },
      { lock: true },
    );
    if (direction === 'forward' && other !== null) {
      throw new BusinessError(
        'ALREADY_COMPENSATED',
        `step '${command.step}' of saga '${command.sagaId}' was compensated already; it is never applied after its compensation`,
        context,
      );
    }
    if (direction === 'compensation' && other === null) {
      log.info('compensation of a step that never applied: nothing to undo');
      await this.#stepResults.updateReply(manager, key, successResult({}, false));
      await this.#succeed(manager, command, {});
      return 'nothing-to-undo';
    }

    const payload = await this.#runHandler(handler, manager, command, direction, context, log);
    await this.#stepResults.updateReply(manager, key, successResult(payload, true));
    await this.#succeed(manager, command, payload);
    return 'applied';
  }

  async #runHandler(
    handler: CommandHandler,
    manager: EntityManager,
    command: CommandEnvelope,
    direction: Direction,
    context: ErrorContext,
    log: Logger,
  ): Promise<JsonObject> {
    const parsed = handler.schema.safeParse(command.payload);
    if (!parsed.success) {
      const issues = parsed.error.issues.map(
        (issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`,
      );
      throw new BusinessError(
        'INVALID_PAYLOAD',
        `payload of '${command.messageType}' is invalid: ${issues.join('; ')}`,
        { ...context, issues },
      );
    }
    const handlerContext: CommandContext = {
      manager,
      sagaId: command.sagaId,
      sagaType: command.sagaType,
      sagaVersion: command.sagaVersion,
      step: command.step,
      direction,
      attempt: command.attempt,
      messageId: command.messageId,
      messageType: command.messageType,
      logger: log,
      now: this.#o.clock.now(),
    };
    return handler.handle(parsed.data, handlerContext);
  }

  /** Retries (rethrows) or answers a technical failure and marks the record FAILED. */
  async #failed(
    record: InboxRecord,
    command: CommandEnvelope,
    direction: Direction,
    error: unknown,
    context: ErrorContext,
    log: Logger,
    started: number,
  ): Promise<never> {
    const { maxHandlerAttempts, consumer, monitor } = this.#o;
    const terminal = !isRetryable(error);
    const description = describe(error);
    if (!terminal && record.attempts < maxHandlerAttempts) {
      monitor.failure(command.messageType, 'retry', errorCode(error));
      log.warn('command failed; it will be retried', {
        error,
        attempts: record.attempts,
        maxHandlerAttempts,
      });
      throw error;
    }
    const message = terminal
      ? `${command.messageType} failed: ${description}`
      : `${command.messageType} failed ${record.attempts} times; last error: ${description}`;
    const failure: ReplyFailure = { kind: 'technical', code: 'HANDLER_FAILED', message };
    await this.#transaction(async (manager) => {
      await this.#write(manager, failureReply(command, failure, this.#meta()));
      await this.#o.inbox.failIn(manager, consumer, command.messageId, message);
    });
    this.#o.onCommitted();
    monitor.failure(command.messageType, 'technical', 'HANDLER_FAILED');
    monitor.handled(
      command.messageType,
      direction,
      'technical-failure',
      Math.round(performance.now() - started),
    );
    log.error('command failed for good: technical failure reply sent', {
      error,
      attempts: record.attempts,
    });
    throw new HandlerFailedError(message, record.attempts, error, context);
  }

  async #succeed(
    manager: EntityManager,
    command: CommandEnvelope,
    payload: JsonObject,
  ): Promise<void> {
    await this.#write(manager, successReply(command, payload, this.#meta()));
    await this.#o.inbox.completeIn(manager, this.#o.consumer, command.messageId);
  }

  async #write(manager: EntityManager, reply: ReplyEnvelope): Promise<void> {
    await this.#outbox.write(manager, [replyToOutboxMessage(reply, this.#o.topics)]);
  }

  #meta(): { source: string; occurredAt: Date } {
    return { source: this.#o.consumer, occurredAt: this.#o.clock.now() };
  }

  /** One READ COMMITTED transaction, run again after a deadlock or a lost step race. */
  async #transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    for (let race = 1; ; race += 1) {
      try {
        return await retryOnDeadlock(DEADLOCK_RETRIES, () =>
          this.#o.dataSource.transaction('READ COMMITTED', work),
        );
      } catch (error) {
        if (!(error instanceof StepResultRaceError) || race > RACE_RETRIES) throw error;
      }
    }
  }
}

function successResult(payload: JsonObject, applied: boolean): StoredReply {
  return { outcome: 'success', payload, applied };
}

/** An error's own `retryable` flag (every SagaflowError has one), else true. */
function isRetryable(error: unknown): boolean {
  if (typeof error === 'object' && error !== null && 'retryable' in error) {
    return error.retryable !== false;
  }
  return true;
}

function errorCode(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const { code } = error;
    if (typeof code === 'string') return code;
  }
  return error instanceof Error ? error.name : 'ERROR';
}

function describe(error: unknown): string {
  return error instanceof Error ? `${errorCode(error)}: ${error.message}` : String(error);
}
