import { type IncomingMessage, type ServerResponse } from 'node:http';

import {
  type Clock,
  DeadLetterAlreadyReplayedError,
  DeadLetterNotFoundError,
  FailedRecordNotFoundError,
  type EventProcessRecord,
  type Logger,
  type StoredDeadLetter,
  TransientError,
} from '@sagaflow/core';
import { type RecordSender, replayDeadLetter } from '@sagaflow/kafka';
import { type MySqlDeadLetterStore, type MySqlEventProcessStore } from '@sagaflow/mysql';

import { serveAdminRequest } from './admin-routes';

/** Filters of {@link ParticipantAdmin.listDeadLetters}; newest first. */
export interface DeadLetterListQuery {
  /** Page size, 1–1000. */
  readonly limit: number;
  /** The `nextBeforeId` of the previous page. */
  readonly beforeId?: string;
  /** Only this reason (`UNKNOWN_MESSAGE_TYPE`, `MESSAGE_UNDECODABLE`, …). */
  readonly reasonCode?: string;
  /** Only replayed ones (true) or only those never replayed (false). */
  readonly replayed?: boolean;
}

/** One page of dead letters, newest first. */
export interface DeadLetterPage {
  readonly items: readonly StoredDeadLetter[];
  /** Pass it as `beforeId` to read the next page; null on the last page. */
  readonly nextBeforeId: string | null;
}

/** Filters of {@link ParticipantAdmin.listFailed}. */
export interface FailedRecordQuery {
  /** Page size, 1–1000. */
  readonly limit: number;
  /** The `nextCursor` of the previous page. */
  readonly cursor?: string;
}

/** One page of FAILED EventProcess records, most recently updated first. */
export interface FailedRecordPage {
  readonly items: readonly EventProcessRecord[];
  /** Pass it as `cursor` to read the next page; null on the last page. */
  readonly nextCursor: string | null;
}

/** What a started participant lends its admin. */
export interface AdminRuntime {
  /** Publishes outside any transaction: the reply relay's publisher. */
  readonly sender: RecordSender;
  /** Queues records for the worker pool: the pool's `requeue`. */
  readonly requeue: (records: readonly EventProcessRecord[]) => Promise<void>;
}

/** What {@link ParticipantAdmin} works on; the participant builds it. */
export interface ParticipantAdminDeps {
  /** The participant's name: its dead letters' and EventProcess records' consumer. */
  readonly name: string;
  /** Its command topic, where its dead letters came from. */
  readonly commandTopic: string;
  readonly deadLetters: Pick<MySqlDeadLetterStore, 'get' | 'list' | 'markReplayed'>;
  readonly eventProcess: Pick<MySqlEventProcessStore, 'listFailed' | 'retryFailed'>;
  /** The running participant's parts, or null while it is stopped. */
  readonly runtime: () => AdminRuntime | null;
  readonly clock: Clock;
  readonly logger: Logger;
}

/**
 * A participant's operator surface, `participant.admin`: its dead letters (listed, and
 * replayed to its command topic once what made them fail is fixed) and its FAILED
 * EventProcess records (listed, and retried on its worker pool). Listing reads the
 * participant's database and works while it is stopped; replaying and retrying need it
 * running. Both are safe to repeat: the EventProcess table drops a command it already recorded, and a
 * step that applied answers from `step_result`.
 *
 * {@link handle} serves the same operations over HTTP, with the orchestrator's routes:
 * `GET /dead-letters`, `GET /dead-letters/:id`, `POST /dead-letters/:id/replay`,
 * `GET /event-process/failed`, `POST /event-process/failed/:consumer/:messageId/retry`.
 *
 * @example
 * ```ts
 * const { items } = await participant.admin.listDeadLetters({ limit: 20, replayed: false });
 * await participant.admin.replayDeadLetter(items[0].id, { actor: 'alice' });
 * // or over HTTP, on the service's own server:
 * createServer((req, res) => {
 *   void participant.admin.handle(req, res).then((handled) => handled || serveOther(req, res));
 * });
 * ```
 */
export class ParticipantAdmin {
  readonly #deps: ParticipantAdminDeps;

  constructor(deps: ParticipantAdminDeps) {
    this.#deps = deps;
  }

  /** This participant's dead letters, newest first. */
  async listDeadLetters(query: DeadLetterListQuery): Promise<DeadLetterPage> {
    const items = await this.#deps.deadLetters.list({
      limit: query.limit,
      // Its command topic is the only one it consumes; another service sharing the
      // database has dead letters of its own topic.
      sourceTopic: this.#deps.commandTopic,
      ...(query.beforeId === undefined ? {} : { beforeId: query.beforeId }),
      ...(query.reasonCode === undefined ? {} : { reasonCode: query.reasonCode }),
      ...(query.replayed === undefined ? {} : { replayed: query.replayed }),
    });
    const last = items.at(-1);
    return {
      items,
      nextBeforeId: items.length === query.limit && last !== undefined ? last.id : null,
    };
  }

  /**
   * One dead letter of this participant.
   * @throws DeadLetterNotFoundError when it has none with that id.
   */
  async getDeadLetter(id: string): Promise<StoredDeadLetter> {
    const deadLetter = await this.#deps.deadLetters.get(id);
    if (deadLetter?.consumer !== this.#deps.name) throw new DeadLetterNotFoundError(id);
    return deadLetter;
  }

  /**
   * Publishes a dead letter's original record to its source topic again (key, headers and
   * value as consumed), then stamps who replayed it and when; returns it stamped. The
   * consumer decodes it again: once the cause is fixed (a handler deployed for its
   * command, say) it is processed like any command.
   *
   * @throws TransientError (`PARTICIPANT_NOT_RUNNING`) while the participant is stopped.
   * @throws DeadLetterNotFoundError, `DeadLetterAlreadyReplayedError` (replayed before and
   * `force` not set), a `ConflictError` `DEAD_LETTER_NOT_REPLAYABLE` (its value was truncated).
   */
  async replayDeadLetter(
    id: string,
    request: { readonly actor: string; readonly force?: boolean },
  ): Promise<StoredDeadLetter> {
    const runtime = this.#running('replay a dead letter');
    const deadLetter = await this.getDeadLetter(id);
    if (deadLetter.replayedAt !== null && request.force !== true) {
      throw new DeadLetterAlreadyReplayedError(id, deadLetter.replayedAt, deadLetter.replayedBy);
    }
    // Published first, stamped second: a crash in between leaves it unstamped, and a second
    // replay is harmless (the EventProcess table drops a duplicate).
    await replayDeadLetter(deadLetter, runtime.sender);
    await this.#deps.deadLetters.markReplayed(id, request.actor, this.#deps.clock.now());
    this.#deps.logger.info('dead letter replayed', {
      deadLetterId: id,
      actor: request.actor,
      sourceTopic: deadLetter.sourceTopic,
      reasonCode: deadLetter.reason.code,
      messageId: deadLetter.messageId,
      sagaId: deadLetter.sagaId,
      forced: deadLetter.replayedAt !== null,
    });
    return (await this.#deps.deadLetters.get(id)) ?? deadLetter;
  }

  /** This participant's FAILED EventProcess records, most recently updated first. */
  listFailed(query: FailedRecordQuery): Promise<FailedRecordPage> {
    return this.#deps.eventProcess.listFailed({
      limit: query.limit,
      consumer: this.#deps.name,
      ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
    });
  }

  /**
   * Processes a FAILED record again: moves it back to RECEIVED and queues it on the worker
   * pool; returns it as it is now (RECEIVED). A command that was answered keeps the reply
   * it sent (the orchestrator acted on it); what the handler does now is recorded in
   * `step_result` and answers the step's next attempt.
   *
   * @throws TransientError (`PARTICIPANT_NOT_RUNNING`) while the participant is stopped.
   * @throws FailedRecordNotFoundError when this participant has no FAILED record with that
   * key. Should the queueing fail after the move, its error is thrown and the recovery job
   * queues the record (RECEIVED) once its lease has passed.
   */
  async retryFailed(
    consumer: string,
    messageId: string,
    request: { readonly actor: string },
  ): Promise<EventProcessRecord> {
    const runtime = this.#running('retry a FAILED record');
    const record =
      consumer === this.#deps.name
        ? await this.#deps.eventProcess.retryFailed(consumer, messageId)
        : null;
    if (record === null) throw new FailedRecordNotFoundError(consumer, messageId);
    await runtime.requeue([record]);
    this.#deps.logger.info('failed EventProcess record retried', {
      consumer,
      messageId,
      actor: request.actor,
      sagaId: record.sagaId,
      messageType: record.messageType,
      attempts: record.attempts,
      lastError: record.lastError,
    });
    return record;
  }

  /**
   * Serves the admin routes over `node:http` (or anything with its request and response,
   * such as express): answers the request and resolves true when its path is one of the
   * routes, else resolves false and leaves the response alone. Bodies are JSON (read from
   * the request, or taken from `request.body` when a framework parsed it already); every
   * answer is JSON, errors as `{ error: { code, message, details? } }`.
   */
  handle(request: IncomingMessage, response: ServerResponse): Promise<boolean> {
    return serveAdminRequest(this, this.#deps.logger, request, response);
  }

  #running(action: string): AdminRuntime {
    const runtime = this.#deps.runtime();
    if (runtime === null) {
      // The admin routes answer 503: it works once the participant is started.
      throw new TransientError(
        'PARTICIPANT_NOT_RUNNING',
        `participant '${this.#deps.name}' is not running: cannot ${action}`,
        { context: { participant: this.#deps.name } },
      );
    }
    return runtime;
  }
}
