import {
  BusinessError,
  type Clock,
  type Direction,
  type ErrorContext,
  errorMessage,
  type EventProcessRef,
  formatIssues,
  type EventProcessMessage,
  type EventProcessRecord,
  type JsonObject,
  type Logger,
  type OutboxMessage,
  type ReplyFailure,
  SagaflowError,
  TransientError,
} from '@sagaflow/core';
import {
  type CommandEnvelope,
  commandDirection,
  type DecodeResult,
  decodeCommand,
  type Envelope,
  isCommandEnvelope,
  failureReply,
  type ReplyEnvelope,
  replyToOutboxMessage,
  successReply,
  type TopicNames,
} from '@sagaflow/messaging';
import { type EventProcessRun, isRetryableError } from '@sagaflow/jobs';
import {
  type MySqlEventProcessStore,
  OutboxWriter,
  retryOnDeadlock,
  type StepResultKey,
  StepResults,
} from '@sagaflow/mysql';
import { type DataSource, type EntityManager } from 'typeorm';

import { type CommandContext } from './command-context';
import { type CommandHandler, type CommandHandlers } from './command-handler';
import { HandlerFailedError } from './errors';
import { type ParticipantMonitor } from './participant-monitor';
import { type CommandOutcome } from './participant-observer';

/** What {@link CommandProcessor} needs; `createParticipant` wires it. */
export interface CommandProcessorOptions {
  /** The participant's name: the EventProcess consumer and the replies' `source`. */
  readonly consumer: string;
  readonly dataSource: DataSource;
  /** The MySQL EventProcess table itself: its `…In(manager)` methods write in the handler's transaction. */
  readonly eventProcess: MySqlEventProcessStore;
  readonly topics: TopicNames;
  readonly handlers: CommandHandlers;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly monitor: ParticipantMonitor;
  /**
   * Called after every commit that wrote replies, with them: the outbox relay's
   * `publishCommitted`.
   */
  readonly onCommitted: (replies: readonly OutboxMessage[]) => void;
}

/** Writes (or collects) a command's reply, with its record's DONE mark. */
type Answer = (manager: EntityManager, reply: ReplyEnvelope) => Promise<void>;

/**
 * A command {@link CommandProcessor.processBatch} did not settle, by its index in the
 * batch: `failed` when its run failed (with the error), `held-back` when it did not run
 * because an earlier command of its saga failed, `not-run` when it did not run for another
 * reason (it does not decode, or the transaction failed as a whole).
 */
export type BatchLeft =
  | { readonly index: number; readonly outcome: 'failed'; readonly error: unknown }
  | { readonly index: number; readonly outcome: 'held-back' }
  | { readonly index: number; readonly outcome: 'not-run' };

/** The savepoint each command of a batch runs under. */
const SAVEPOINT = 'sagaflow_command';

/** Deadlock victims run again this many times before the error goes to the worker pool. */
const DEADLOCK_RETRIES = 5;
/** A step result taken yet gone when read back (purged in between) runs again this many times. */
const RACE_RETRIES = 3;
/** The code of that race: retryable, it only escapes when it repeats more than the retries. */
const STEP_RESULT_RACE = 'STEP_RESULT_RACE';
/** A compensation whose forward command is still RECEIVED or PROCESSING here waits: retryable. */
const FORWARD_PENDING = 'FORWARD_PENDING';

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
 * - the `step_result` row of the step and direction is inserted first: its primary key
 *   serialises concurrent attempts, and a key taken already answers this attempt with the
 *   stored payload (read with a shared lock once the holder committed; the handler does not
 *   run again);
 * - forward: if the step was compensated already, the command is refused
 *   (`ALREADY_COMPENSATED`); else the handler runs and its result is stored;
 * - compensation: while the forward command of the step is still
 *   RECEIVED or PROCESSING the compensation waits (a retryable `FORWARD_PENDING`;
 *   on the pool's last run it is left FAILED without a reply: waiting is no failure);
 *   if the forward never applied, the compensation is recorded and answered success without
 *   running the handler (nothing to undo) — which also makes a late forward refuse;
 * - a `BusinessError` (or a payload failing the handler's schema: `INVALID_PAYLOAD`) rolls
 *   the change back; a new transaction writes the business failure reply and marks the
 *   record DONE;
 * - any other error is thrown for the pool to retry, until the pool's last run (`final`)
 *   or a terminal error: then a technical failure reply (`HANDLER_FAILED`) is written, the
 *   record is marked FAILED and a {@link HandlerFailedError} is thrown;
 * - a command whose record cannot even be claimed on the pool's last run is answered with a
 *   technical failure too ({@link answerUnclaimed}).
 *
 * Replies are written with `onDuplicate: 'skip'`: a reply id is derived from its command's
 * id, so a command processed again after it was answered (a FAILED record retried, a run
 * whose commit outlived its lease) keeps the reply it already had instead of failing.
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

  /**
   * Processes the record on the worker pool's `run`; resolves once its reply is committed.
   */
  async process(record: EventProcessRecord, run: EventProcessRun): Promise<CommandOutcome> {
    const decoded = decodeCommand(record.payload);
    // The consumer decoded the record before storing it: only a row changed by hand gets
    // here. The error is terminal, so the pool marks the record FAILED.
    if (!decoded.ok) throw decoded.error;
    const command = decoded.envelope;
    const direction = commandDirection(command.kind);
    const context = contextOf(command, direction);
    const log = this.#o.logger.child(context);
    const started = performance.now();

    let outcome: CommandOutcome;
    let written: OutboxMessage[] = [];
    try {
      outcome = await this.#transaction((manager) => {
        written = [];
        return this.#apply(manager, command, direction, context, log, async (m, reply) => {
          written.push(...(await this.#answerNow(m, reply)));
        });
      });
    } catch (error) {
      if (!(error instanceof BusinessError)) {
        return this.#failed(run, command, direction, error, context, log, started);
      }
      written = await this.#transaction(async (manager) => {
        const failure = { kind: 'business', code: error.reason, message: error.message } as const;
        return this.#answerNow(manager, failureReply(command, failure, this.#meta()));
      });
      this.#o.monitor.failure(command.messageType, 'business', error.reason);
      outcome = 'business-failure';
    }
    this.#o.onCommitted(written);
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
    answer: Answer,
  ): Promise<CommandOutcome> {
    const { consumer, eventProcess } = this.#o;
    const key: StepResultKey = { consumer, sagaId: command.sagaId, step: command.step, direction };

    // The row goes in first: its primary key serialises concurrent attempts of the step, and
    // a key taken already means the step was answered. The duplicate waited for the
    // transaction holding the row, so a locking read sees what that one committed.
    const inserted = await this.#stepResults.insert(manager, {
      ...key,
      messageId: command.messageId,
      attempt: command.attempt,
    });
    if (inserted.duplicate) {
      const stored = await this.#stepResults.find(manager, key, { lock: true });
      if (stored === null) {
        // Taken, yet purged before it could be read back: the transaction runs again.
        throw new TransientError(
          STEP_RESULT_RACE,
          `the result of step '${command.step}' was recorded but could not be read back`,
          { context },
        );
      }
      log.info('step already answered: replying with the stored result', {
        storedBy: stored.messageId,
      });
      await answer(manager, successReply(command, storedPayload(stored.reply), this.#meta()));
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
      (await eventProcess.pendingForwardExists(manager, consumer, command.sagaId, command.step))
    ) {
      // The worker pool runs commands concurrently, so a compensation can arrive while its
      // forward command is still RECEIVED or PROCESSING here: it waits for that outcome.
      throw new TransientError(
        FORWARD_PENDING,
        `the forward command of step '${command.step}' is still being processed; the compensation waits for it`,
        { context },
      );
    }

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
      await answer(manager, successReply(command, {}, this.#meta()));
      return 'nothing-to-undo';
    }

    const payload = await this.#runHandler(handler, manager, command, direction, context, log);
    await this.#stepResults.updateReply(manager, key, successResult(payload, true));
    await answer(manager, successReply(command, payload, this.#meta()));
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
      const issues = formatIssues(parsed.error.issues);
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

  /**
   * Processes a consumed batch of new commands in one READ COMMITTED transaction, in array
   * order: each under a savepoint, its reply and its record's DONE mark written for the
   * whole batch at the end (one outbox insert, one update). A business failure is rolled
   * back to the command's savepoint and answered in the same transaction. What the batch
   * cannot settle is left for {@link process} — the worker pool's one-by-one runs, with
   * retries: a command failing otherwise (rolled back to its savepoint), one that does not
   * decode, and every command when the transaction itself fails (a deadlock victim, a lost
   * connection: nothing of it was written).
   *
   * A command left after it failed carries its `error` (its run counts); the later commands
   * of its saga in the batch are not run (`heldBack`), so a saga's order holds.
   */
  async processBatch(
    records: readonly (EventProcessMessage & { readonly envelope?: Envelope })[],
  ): Promise<readonly BatchLeft[]> {
    const started = performance.now();
    const settled: {
      readonly command: CommandEnvelope;
      readonly outcome: CommandOutcome;
      /** The business failure's reason. */
      readonly reason?: string;
    }[] = [];
    const left: BatchLeft[] = [];
    const stopped = new Set<string>();
    let published: readonly OutboxMessage[] = [];
    try {
      await this.#o.dataSource.transaction('READ COMMITTED', async (manager) => {
        // Encoded at once, inside the command's savepoint: a reply that cannot be encoded
        // fails its command, not the batch.
        const replies: OutboxMessage[] = [];
        const answered: string[] = [];
        const answer: Answer = (_, reply) => {
          replies.push(replyToOutboxMessage(reply, this.#o.topics));
          answered.push(reply.replyTo.messageId);
          return Promise.resolve();
        };
        for (const [index, record] of records.entries()) {
          if (stopped.has(record.sagaId)) {
            left.push({ index, outcome: 'held-back' });
            continue;
          }
          // The consumer decoded it already; a record read back from the EventProcess table is decoded here.
          const decoded: DecodeResult<CommandEnvelope> =
            record.envelope !== undefined && isCommandEnvelope(record.envelope)
              ? { ok: true, envelope: record.envelope }
              : decodeCommand(record.payload);
          if (!decoded.ok) {
            left.push({ index, outcome: 'not-run' });
            continue;
          }
          const command = decoded.envelope;
          const direction = commandDirection(command.kind);
          const context = contextOf(command, direction);
          await manager.query(`SAVEPOINT ${SAVEPOINT}`);
          try {
            const outcome = await this.#apply(
              manager,
              command,
              direction,
              context,
              this.#o.logger.child(context),
              answer,
            );
            settled.push({ command, outcome });
          } catch (error: unknown) {
            // Throws when the server rolled the whole transaction back (a deadlock victim).
            await manager.query(`ROLLBACK TO SAVEPOINT ${SAVEPOINT}`);
            const answered = await this.#answerBusinessFailure(manager, command, error, answer);
            if ('reason' in answered) {
              settled.push({ command, outcome: 'business-failure', reason: answered.reason });
              continue;
            }
            left.push({ index, outcome: 'failed', error: answered.error });
            stopped.add(record.sagaId);
          }
        }
        if (replies.length === 0) return;
        published = await this.#writeAll(manager, replies);
        await this.#o.eventProcess.completeIn(manager, this.#o.consumer, answered);
      });
    } catch (error: unknown) {
      this.#o.logger.debug('batch transaction failed; the commands run one by one', {
        commands: records.length,
        error,
      });
      return records.map((_, index) => ({ index, outcome: 'not-run' as const }));
    }
    if (published.length > 0) this.#o.onCommitted(published);
    const durationMs = Math.round(performance.now() - started);
    for (const { command, outcome, reason } of settled) {
      const direction = commandDirection(command.kind);
      if (outcome === 'stored') this.#o.monitor.duplicate('step-applied', 1);
      if (reason !== undefined) this.#o.monitor.failure(command.messageType, 'business', reason);
      this.#o.monitor.handled(command.messageType, direction, outcome, durationMs);
      this.#o.logger
        .child(contextOf(command, direction))
        .info('command answered', { outcome, durationMs, batch: records.length });
    }
    return left;
  }

  /**
   * Answers a business failure of a batch's command with its reason; else returns the
   * error that leaves the command to the pool (not a business failure, or a failure reply
   * that cannot be encoded).
   */
  async #answerBusinessFailure(
    manager: EntityManager,
    command: CommandEnvelope,
    error: unknown,
    answer: Answer,
  ): Promise<{ readonly reason: string } | { readonly error: unknown }> {
    if (!(error instanceof BusinessError)) return { error };
    const failure = { kind: 'business', code: error.reason, message: error.message } as const;
    try {
      await answer(manager, failureReply(command, failure, this.#meta()));
      return { reason: error.reason };
    } catch (answerError: unknown) {
      return { error: answerError };
    }
  }

  /**
   * After a command's run failed in {@link processBatch} (rolled back to its savepoint):
   * what {@link process} does when its run fails — counted as a retry, or, for a terminal
   * error or on the `final` run, answered with a technical failure reply (the record marked
   * FAILED). Returns the error to hand to the worker pool (`retryFailed`).
   */
  async answerFailedRun(
    record: EventProcessMessage,
    error: unknown,
    run: EventProcessRun,
  ): Promise<unknown> {
    const decoded = decodeCommand(record.payload);
    if (!decoded.ok) return decoded.error;
    const command = decoded.envelope;
    const direction = commandDirection(command.kind);
    const context = contextOf(command, direction);
    try {
      return await this.#failed(
        run,
        command,
        direction,
        error,
        context,
        this.#o.logger.child(context),
        performance.now(),
      );
    } catch (thrown: unknown) {
      return thrown;
    }
  }

  /**
   * Answers a command whose record the worker pool could not claim on its last run (and has
   * marked FAILED): a technical failure reply (`CLAIM_FAILED`) is written and the record
   * stays FAILED, in one transaction, so the saga does not wait for a step timeout. Nothing
   * is written when the record is missing, not FAILED (another run finished it) or not a
   * command; when its reply exists already, that reply stands.
   */
  async answerUnclaimed(message: EventProcessRef, claimError: unknown): Promise<void> {
    const { consumer, eventProcess, monitor } = this.#o;
    const started = performance.now();
    const record = await eventProcess.get(message.consumer, message.messageId);
    if (record?.status !== 'FAILED') return;
    const decoded = decodeCommand(record.payload);
    if (!decoded.ok) return;
    const command = decoded.envelope;
    const direction = commandDirection(command.kind);
    const text = `${command.messageType} was not processed: its EventProcess record could not be claimed (${errorMessage(claimError, { code: true })})`;
    const failure: ReplyFailure = { kind: 'technical', code: 'CLAIM_FAILED', message: text };
    const written = await this.#transaction(async (manager) => {
      const sent = await this.#write(manager, failureReply(command, failure, this.#meta()));
      await eventProcess.failIn(manager, consumer, command.messageId, text);
      return sent;
    });
    if (written === null) return;
    this.#o.onCommitted([written]);
    monitor.failure(command.messageType, 'technical', 'CLAIM_FAILED');
    monitor.handled(
      command.messageType,
      direction,
      'technical-failure',
      Math.round(performance.now() - started),
    );
    this.#o.logger.error('command not processed: technical failure reply sent', {
      sagaId: command.sagaId,
      step: command.step,
      messageId: command.messageId,
      error: claimError,
    });
  }

  /** Retries (rethrows) or answers a technical failure and marks the record FAILED. */
  async #failed(
    run: EventProcessRun,
    command: CommandEnvelope,
    direction: Direction,
    error: unknown,
    context: ErrorContext,
    log: Logger,
    started: number,
  ): Promise<never> {
    const { consumer, monitor } = this.#o;
    const terminal = !isRetryableError(error);
    const description = errorMessage(error, { code: true });
    if (!terminal && !run.final) {
      monitor.failure(command.messageType, 'retry', errorCode(error));
      log.warn('command failed; it will be retried', { error, attempt: run.attempt });
      throw error;
    }
    if (error instanceof SagaflowError && error.code === FORWARD_PENDING) {
      // Waiting is no failure: a failure reply would count against the compensation's
      // budget and could park the saga although nothing failed. Without a reply, the
      // orchestrator's timeout sends the compensation again (a new attempt, a new record),
      // which answers once the forward is done; this record is left FAILED by the pool.
      monitor.failure(command.messageType, 'retry', errorCode(error));
      log.warn('the compensation still waits for its forward command; no reply yet', {
        attempt: run.attempt,
      });
      throw error;
    }
    const message = terminal
      ? `${command.messageType} failed: ${description}`
      : `${command.messageType} failed ${run.attempt} times; last error: ${description}`;
    const failure: ReplyFailure = { kind: 'technical', code: 'HANDLER_FAILED', message };
    const written = await this.#transaction(async (manager) => {
      const sent = await this.#write(manager, failureReply(command, failure, this.#meta()));
      await this.#o.eventProcess.failIn(manager, consumer, command.messageId, message);
      return sent;
    });
    if (written !== null) this.#o.onCommitted([written]);
    monitor.failure(command.messageType, 'technical', 'HANDLER_FAILED');
    monitor.handled(
      command.messageType,
      direction,
      'technical-failure',
      Math.round(performance.now() - started),
    );
    log.error('command failed for good: technical failure reply sent', {
      error,
      attempt: run.attempt,
    });
    throw new HandlerFailedError(message, run.attempt, error, context);
  }

  /**
   * Writes the reply and marks the command's record DONE, in the caller's transaction;
   * returns the reply written (none when the command was answered before).
   */
  async #answerNow(manager: EntityManager, reply: ReplyEnvelope): Promise<OutboxMessage[]> {
    const written = await this.#write(manager, reply);
    await this.#o.eventProcess.completeIn(manager, this.#o.consumer, reply.replyTo.messageId);
    return written === null ? [] : [written];
  }

  /** {@link #write} for several replies, with one insert; returns those written. */
  async #writeAll(
    manager: EntityManager,
    replies: readonly OutboxMessage[],
  ): Promise<readonly OutboxMessage[]> {
    const { skipped } = await this.#outbox.write(manager, replies, { onDuplicate: 'skip' });
    for (const replyId of skipped) {
      this.#o.logger.info('the command was answered before: its first reply stands', {
        replyId,
      });
    }
    return replies.filter((reply) => !skipped.includes(reply.id));
  }

  /**
   * Writes the reply, unless the command's reply (same id) was written before; returns the
   * message written, or null.
   */
  async #write(manager: EntityManager, reply: ReplyEnvelope): Promise<OutboxMessage | null> {
    const message = replyToOutboxMessage(reply, this.#o.topics);
    const { skipped } = await this.#outbox.write(manager, [message], { onDuplicate: 'skip' });
    if (skipped.length > 0) {
      this.#o.logger.info('the command was answered before: its first reply stands', {
        sagaId: reply.sagaId,
        messageId: reply.replyTo.messageId,
        replyId: reply.messageId,
        outcome: reply.outcome,
      });
    }
    return skipped.length === 0 ? message : null;
  }

  #meta(): { source: string; occurredAt: Date } {
    return { source: this.#o.consumer, occurredAt: this.#o.clock.now() };
  }

  /** One READ COMMITTED transaction, run again after a deadlock or a step result purged mid-read. */
  async #transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    for (let race = 1; ; race += 1) {
      try {
        return await retryOnDeadlock(DEADLOCK_RETRIES, () =>
          this.#o.dataSource.transaction('READ COMMITTED', work),
        );
      } catch (error) {
        const raced = error instanceof SagaflowError && error.code === STEP_RESULT_RACE;
        if (!raced || race > RACE_RETRIES) throw error;
      }
    }
  }
}

/**
 * What `step_result.reply` holds for a step (or compensation) that succeeded: the reply's
 * payload, and whether the handler ran (`false` for a compensation with nothing to undo).
 * Only successes are stored: a refused command changed nothing, and a later attempt may
 * legitimately succeed.
 */
interface StoredReply extends JsonObject {
  readonly outcome: 'success';
  readonly payload: JsonObject;
  readonly applied: boolean;
}

/** The payload a stored result answers with; `{}` for a row without a readable reply. */
function storedPayload(reply: JsonObject | null): JsonObject {
  const payload = reply?.payload;
  return typeof payload === 'object' && payload !== null && !Array.isArray(payload)
    ? (payload as JsonObject)
    : {};
}

function successResult(payload: JsonObject, applied: boolean): StoredReply {
  return { outcome: 'success', payload, applied };
}

function errorCode(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const { code } = error;
    if (typeof code === 'string') return code;
  }
  return error instanceof Error ? error.name : 'ERROR';
}

function contextOf(command: CommandEnvelope, direction: Direction): ErrorContext {
  return {
    sagaId: command.sagaId,
    sagaType: command.sagaType,
    step: command.step,
    messageId: command.messageId,
    messageType: command.messageType,
    direction,
    attempt: command.attempt,
  };
}
