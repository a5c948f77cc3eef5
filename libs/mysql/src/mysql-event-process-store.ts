import {
  checkDate,
  checkInteger,
  checkOptions,
  type Clock,
  type Direction,
  type EventProcessStatus,
  type EventProcessStore,
  type EventProcessMessage,
  type EventProcessRecord,
  isPositiveInteger,
  type ReceiveResult,
  systemClock,
} from '@sagaflow/core';
import { type DataSource, type EntityManager } from 'typeorm';

import { EventProcessEntity, type EventProcessRow } from './entities/event-process-entity';
import { insertOrDuplicate } from './insert-or-duplicate';
import { type EventProcessStep, stepFromEnvelope } from './event-process-step';
import { isDuplicateKeyError } from './is-duplicate-key-error';
import { decodeCursor, encodeCursor } from './keyset-cursor';
import { markEventProcessDone } from './mark-event-process-done';
import { affectedRows, chunkRows, toIso, toNumber, truncate } from './sql-values';

/**
 * A message to record. `step` and `direction` are optional: when absent, `stepOf` (by
 * default {@link stepFromEnvelope}) derives them from the payload.
 */
export interface MySqlEventProcessMessage extends EventProcessMessage {
  readonly step?: string | null;
  readonly direction?: Direction | null;
}

/** An EventProcess record with the step it belongs to. */
export interface MySqlEventProcessRecord extends EventProcessRecord {
  readonly step: string | null;
  readonly direction: Direction | null;
}

/** Options of {@link MySqlEventProcessStore}. */
export interface MySqlEventProcessStoreOptions {
  /**
   * Stamps `created_at` and `updated_at` (the lease of a PROCESSING record).
   * @defaultValue the system clock
   */
  readonly clock?: Clock;
  /**
   * Finds the step and direction of a message that does not carry them.
   * @defaultValue {@link stepFromEnvelope}
   */
  readonly stepOf?: (message: EventProcessMessage) => EventProcessStep;
  /**
   * Most rows in one multi-row INSERT of {@link MySqlEventProcessStore.receive}; a larger batch is
   * written in several statements of one transaction.
   * @defaultValue `500`
   */
  readonly maxRowsPerInsert?: number;
}

/** {@link MySqlEventProcessStoreOptions} with every default applied. */
type ResolvedMySqlEventProcessStoreOptions = Required<MySqlEventProcessStoreOptions>;

/** Applies the defaults of {@link MySqlEventProcessStoreOptions} and validates them. */
function resolveEventProcessOptions(
  options: MySqlEventProcessStoreOptions,
): ResolvedMySqlEventProcessStoreOptions {
  const o: ResolvedMySqlEventProcessStoreOptions = {
    clock: options.clock ?? systemClock,
    stepOf: options.stepOf ?? stepFromEnvelope,
    maxRowsPerInsert: options.maxRowsPerInsert ?? 500,
  };
  checkOptions('MySqlEventProcessStore', [
    ['clock', o.clock, typeof o.clock.now === 'function', 'a Clock with now()'],
    ['stepOf', o.stepOf, typeof o.stepOf === 'function', 'a function'],
    [
      'maxRowsPerInsert',
      o.maxRowsPerInsert,
      isPositiveInteger(o.maxRowsPerInsert),
      'an integer > 0',
    ],
  ]);
  return o;
}

/** Filters of {@link MySqlEventProcessStore.listFailed}; newest first. */
export interface FailedEventProcessQuery {
  /** 1 … 1000. */
  readonly limit: number;
  readonly consumer?: string;
  /** `nextCursor` of the previous page. */
  readonly cursor?: string;
}

/** A page of {@link MySqlEventProcessStore.listFailed}. */
export interface FailedEventProcessPage {
  readonly items: readonly MySqlEventProcessRecord[];
  /** Pass it as `cursor` for the next page; null on the last page. */
  readonly nextCursor: string | null;
}

interface EventProcessSqlRow {
  consumer: string;
  message_id: string;
  saga_id: string;
  message_type: string;
  payload: string;
  step: string | null;
  direction: string | null;
  status: string;
  attempts: number;
  last_error: string | null;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = `consumer, message_id, saga_id, message_type, payload, step, direction, status,
  attempts, last_error, created_at, updated_at`;

/** `last_error` is TEXT (65 535 bytes): 16 000 characters fit whatever the encoding. */
const LAST_ERROR_LENGTH = 16_000;
const MAX_CHARS_PER_INSERT = 4_000_000;

/**
 * The EventProcess table `event_process`, the `EventProcessStore` port in MySQL/MariaDB.
 *
 * `receive` inserts the messages in one multi-row INSERT; when a key is taken already
 * (`ER_DUP_ENTRY`: a redelivery, or a concurrent receive that won a race) it looks up which
 * are recorded and inserts the rest, and if a race is lost again it falls back to row-by-row
 * inserts in one transaction, where each key conflict marks a duplicate.
 * `claim` is one conditional UPDATE (RECEIVED or FAILED, or PROCESSING with an expired
 * lease), so concurrent claims cannot both win. The `…In(manager, …)` variants write in the
 * caller's transaction (a participant marks DONE together with its business change). For
 * operators: `listFailed`, `countFailed` and `retryFailed` (FAILED back to RECEIVED); for
 * admission control, `countPending`; for the retention purge, `deleteDoneBefore`.
 *
 * @example
 * ```ts
 * const eventProcess = new MySqlEventProcessStore(dataSource);
 * const { accepted } = await eventProcess.receive(messages);
 * const record = await eventProcess.claim(consumer, accepted[0].messageId, new Date(Date.now() - leaseMs));
 * ```
 */
export class MySqlEventProcessStore implements EventProcessStore {
  readonly #dataSource: DataSource;
  readonly #options: ResolvedMySqlEventProcessStoreOptions;

  constructor(dataSource: DataSource, options: MySqlEventProcessStoreOptions = {}) {
    this.#dataSource = dataSource;
    this.#options = resolveEventProcessOptions(options);
  }

  async receive<M extends MySqlEventProcessMessage>(
    messages: readonly M[],
  ): Promise<ReceiveResult<M>> {
    if (messages.length === 0) return { accepted: [], duplicates: [] };
    const firsts = new Map<string, M>();
    for (const message of messages) {
      const key = keyOf(message.consumer, message.messageId);
      if (!firsts.has(key)) firsts.set(key, message);
    }
    // Most batches are new messages only: one multi-row insert takes them. A key taken
    // (a redelivery) fails it whole; then the keys present are looked up and the rest go in.
    const candidates = [...firsts.values()];
    let inserted = await this.#insertAll(candidates);
    if (inserted === null) {
      const existing = await this.#existingKeys(candidates);
      inserted = await this.#insert(
        candidates.filter((m) => !existing.has(keyOf(m.consumer, m.messageId))),
      );
    }

    const accepted: M[] = [];
    const duplicates: M[] = [];
    for (const message of messages) {
      const key = keyOf(message.consumer, message.messageId);
      if (firsts.get(key) === message && inserted.has(key)) {
        accepted.push(message);
        // A later copy of the same object in the batch is a duplicate.
        firsts.delete(key);
      } else {
        duplicates.push(message);
      }
    }
    return { accepted, duplicates };
  }

  async get(consumer: string, messageId: string): Promise<MySqlEventProcessRecord | null> {
    return this.#get(this.#dataSource.manager, consumer, messageId);
  }

  async claim(
    consumer: string,
    messageId: string,
    leaseExpiredBefore: Date,
  ): Promise<MySqlEventProcessRecord | null> {
    checkDate('leaseExpiredBefore', leaseExpiredBefore);
    // Two autocommit statements, no transaction around them: the UPDATE alone decides who
    // wins, and the winner's fresh lease keeps other claimers off the row while it reads it
    // back (the columns it reads never change while PROCESSING).
    const manager = this.#dataSource.manager;
    const result = await manager.query<unknown>(
      `UPDATE event_process
          SET status = 'PROCESSING', attempts = attempts + 1, updated_at = ?
        WHERE consumer = ? AND message_id = ?
          AND (status IN ('RECEIVED', 'FAILED')
               OR (status = 'PROCESSING' AND updated_at < ?))`,
      [this.#options.clock.now(), consumer, messageId, leaseExpiredBefore],
    );
    if (affectedRows(result) !== 1) return null;
    return this.#get(manager, consumer, messageId);
  }

  async complete(consumer: string, messageId: string): Promise<void> {
    await this.completeIn(this.#dataSource.manager, consumer, messageId);
  }

  async fail(consumer: string, messageId: string, error: string): Promise<void> {
    await this.failIn(this.#dataSource.manager, consumer, messageId, error);
  }

  /**
   * {@link complete} inside the caller's transaction, for one record or several (one
   * statement). A DONE record stays as it is.
   */
  async completeIn(
    manager: EntityManager,
    consumer: string,
    messageIds: string | readonly string[],
  ): Promise<void> {
    if (messageIds.length === 0) return;
    await markEventProcessDone(manager, consumer, messageIds, this.#options.clock.now());
  }

  /** {@link fail} inside the caller's transaction. A DONE record stays as it is. */
  async failIn(
    manager: EntityManager,
    consumer: string,
    messageId: string,
    error: string,
  ): Promise<void> {
    await manager.query(
      `UPDATE event_process SET status = 'FAILED', last_error = ?, updated_at = ?
        WHERE consumer = ? AND message_id = ? AND status <> 'DONE'`,
      [truncate(error, LAST_ERROR_LENGTH), this.#options.clock.now(), consumer, messageId],
    );
  }

  /**
   * RECEIVED and PROCESSING records not updated since `olderThan`, oldest first, at most
   * `limit`; only `consumer`'s when given (a participant sharing its database with other
   * consumers requeues only its own).
   */
  async findStale(
    olderThan: Date,
    limit: number,
    consumer?: string,
  ): Promise<readonly MySqlEventProcessRecord[]> {
    checkDate('olderThan', olderThan);
    checkInteger('limit', limit, 1);
    const rows = await this.#dataSource.query<EventProcessSqlRow[]>(
      `SELECT ${COLUMNS} FROM event_process
        WHERE status IN ('RECEIVED', 'PROCESSING') AND updated_at < ?
          ${consumer === undefined ? '' : 'AND consumer = ?'}
        ORDER BY updated_at
        LIMIT ?`,
      consumer === undefined ? [olderThan, limit] : [olderThan, consumer, limit],
    );
    return rows.map(toRecord);
  }

  /**
   * Deletes DONE records last updated before `before`, oldest first, at most `limit`, and
   * returns how many went; only `consumer`'s when given. The retention purge: RECEIVED and
   * PROCESSING records are work, FAILED ones wait for an operator, so only DONE ones go.
   * A message redelivered after its record went is no longer recognised as a duplicate.
   * Run it in a loop with `purgeFinished`.
   */
  async deleteDoneBefore(before: Date, limit: number, consumer?: string): Promise<number> {
    checkDate('before', before);
    checkInteger('limit', limit, 1);
    // The keys are picked on the (status, updated_at) index, forced: with `consumer = ?`,
    // a prefix of the primary key, the optimiser would rather scan the whole table and sort
    // it for every batch. LIMIT keeps the derived table materialised, so MySQL too accepts
    // it next to the table it deletes from.
    const result = await this.#dataSource.query<unknown>(
      `DELETE e FROM event_process e
         JOIN (SELECT consumer, message_id
                 FROM event_process FORCE INDEX (ix_event_process_status_updated)
                WHERE status = 'DONE' AND updated_at < ?
                  ${consumer === undefined ? '' : 'AND consumer = ?'}
                ORDER BY updated_at
                LIMIT ?) old USING (consumer, message_id)
        WHERE e.status = 'DONE'`,
      consumer === undefined ? [before, limit] : [before, consumer, limit],
    );
    return affectedRows(result);
  }

  /** How many records are FAILED; only `consumer`'s when given. */
  async countFailed(consumer?: string): Promise<number> {
    const rows = await this.#dataSource.query<{ n: number | string }[]>(
      `SELECT COUNT(*) AS n FROM event_process
        WHERE status = 'FAILED' ${consumer === undefined ? '' : 'AND consumer = ?'}`,
      consumer === undefined ? [] : [consumer],
    );
    return toNumber(rows[0]?.n ?? 0);
  }

  /**
   * How many records are RECEIVED or PROCESSING — recorded but not applied yet: the backlog
   * of the worker pool, which admission control bounds. Only `consumer`'s when given. The
   * `(status, updated_at)` index serves it: the cost follows the backlog, not the table.
   */
  async countPending(consumer?: string): Promise<number> {
    const rows = await this.#dataSource.query<{ n: number | string }[]>(
      `SELECT COUNT(*) AS n FROM event_process
        WHERE status IN ('RECEIVED', 'PROCESSING') ${consumer === undefined ? '' : 'AND consumer = ?'}`,
      consumer === undefined ? [] : [consumer],
    );
    return toNumber(rows[0]?.n ?? 0);
  }

  /**
   * Moves a FAILED record back to RECEIVED, for an operator who retries it (hand it to the
   * worker pool next). Its attempts and last error stay as they were, for the record's
   * history. Returns the record as it is now, or null when no FAILED record has that key
   * (unknown, or not FAILED: received, being processed or done).
   */
  async retryFailed(consumer: string, messageId: string): Promise<MySqlEventProcessRecord | null> {
    return this.#dataSource.transaction(async (manager) => {
      const result = await manager.query<unknown>(
        `UPDATE event_process SET status = 'RECEIVED', updated_at = ?
          WHERE consumer = ? AND message_id = ? AND status = 'FAILED'`,
        [this.#options.clock.now(), consumer, messageId],
      );
      if (affectedRows(result) !== 1) return null;
      return this.#get(manager, consumer, messageId);
    });
  }

  /**
   * True while the forward command of that saga's step is RECEIVED or PROCESSING for this
   * consumer: its compensation must wait (Kafka delivers the forward command first, but
   * the worker pool runs commands concurrently). Reads in the caller's transaction.
   */
  async pendingForwardExists(
    manager: EntityManager,
    consumer: string,
    sagaId: string,
    step: string,
  ): Promise<boolean> {
    const rows = await manager.query<unknown[]>(
      `SELECT 1 FROM event_process
        WHERE consumer = ? AND saga_id = ? AND step = ? AND direction = 'forward'
          AND status IN ('RECEIVED', 'PROCESSING')
        LIMIT 1`,
      [consumer, sagaId, step],
    );
    return rows.length > 0;
  }

  /** FAILED records for operators, most recently failed first, with keyset pagination. */
  async listFailed(query: FailedEventProcessQuery): Promise<FailedEventProcessPage> {
    const limit = checkInteger('limit', query.limit, 1, 1000);
    const where = [`status = 'FAILED'`];
    const params: unknown[] = [];
    if (query.consumer !== undefined) {
      where.push('consumer = ?');
      params.push(query.consumer);
    }
    if (query.cursor !== undefined) {
      const [updatedAt, consumer, messageId] = decodeCursor(query.cursor, 3);
      const at = new Date(String(updatedAt));
      where.push(
        `(updated_at < ? OR (updated_at = ? AND (consumer < ? OR (consumer = ? AND message_id < ?))))`,
      );
      params.push(at, at, consumer, consumer, messageId);
    }
    const rows = await this.#dataSource.query<EventProcessSqlRow[]>(
      `SELECT ${COLUMNS} FROM event_process
        WHERE ${where.join(' AND ')}
        ORDER BY updated_at DESC, consumer DESC, message_id DESC
        LIMIT ?`,
      [...params, limit + 1],
    );
    const items = rows.slice(0, limit).map(toRecord);
    const last = items.at(-1);
    return {
      items,
      nextCursor:
        rows.length > limit && last !== undefined
          ? encodeCursor([last.updatedAt, last.consumer, last.messageId])
          : null,
    };
  }

  async #get(
    manager: EntityManager,
    consumer: string,
    messageId: string,
  ): Promise<MySqlEventProcessRecord | null> {
    const rows = await manager.query<EventProcessSqlRow[]>(
      `SELECT ${COLUMNS} FROM event_process WHERE consumer = ? AND message_id = ?`,
      [consumer, messageId],
    );
    const row = rows[0];
    return row === undefined ? null : toRecord(row);
  }

  /** The keys of `messages` already in the table. */
  async #existingKeys(messages: readonly MySqlEventProcessMessage[]): Promise<Set<string>> {
    const byConsumer = new Map<string, string[]>();
    for (const m of messages) {
      const ids = byConsumer.get(m.consumer) ?? [];
      ids.push(m.messageId);
      byConsumer.set(m.consumer, ids);
    }
    const groups = [...byConsumer.entries()];
    const rows = await this.#dataSource.query<{ consumer: string; message_id: string }[]>(
      `SELECT consumer, message_id FROM event_process
        WHERE ${groups.map(() => '(consumer = ? AND message_id IN (?))').join(' OR ')}`,
      groups.flat(),
    );
    return new Set(rows.map((r) => keyOf(r.consumer, r.message_id)));
  }

  /**
   * Inserts `messages` (distinct keys) all or none, multi-row; returns their keys, or null
   * when a key was taken (then none was inserted).
   */
  async #insertAll(messages: readonly MySqlEventProcessMessage[]): Promise<Set<string> | null> {
    if (messages.length === 0) return new Set();
    const now = this.#options.clock.now();
    const rows = messages.map((m) => this.#row(m, now));
    const chunks = chunkRows(
      rows,
      this.#options.maxRowsPerInsert,
      MAX_CHARS_PER_INSERT,
      (row) => row.payload.length + 600,
    );
    try {
      if (chunks.length === 1) {
        await insertRows(this.#dataSource.manager, rows);
      } else {
        await this.#dataSource.transaction(async (manager) => {
          for (const chunk of chunks) await insertRows(manager, chunk);
        });
      }
      return new Set(rows.map((r) => keyOf(r.consumer, r.messageId)));
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      return null;
    }
  }

  /** Inserts `messages` (distinct keys, looked up as absent); returns the keys it inserted. */
  async #insert(messages: readonly MySqlEventProcessMessage[]): Promise<Set<string>> {
    const all = await this.#insertAll(messages);
    if (all !== null) return all;
    // A concurrent receive recorded some of them after our lookup: insert one by one; a
    // key conflict rolls back only its own statement, so the transaction goes on.
    const now = this.#options.clock.now();
    const rows = messages.map((m) => this.#row(m, now));
    return this.#dataSource.transaction(async (manager) => {
      const inserted = new Set<string>();
      for (const row of rows) {
        const outcome = await insertOrDuplicate(manager, EventProcessEntity, row);
        if (outcome.inserted) inserted.add(keyOf(row.consumer, row.messageId));
      }
      return inserted;
    });
  }

  #row(message: MySqlEventProcessMessage, now: Date): EventProcessRow {
    const derived =
      message.step === undefined || message.direction === undefined
        ? this.#options.stepOf(message)
        : null;
    return {
      consumer: message.consumer,
      messageId: message.messageId,
      sagaId: message.sagaId,
      messageType: message.messageType,
      payload: message.payload,
      step: message.step ?? derived?.step ?? null,
      direction: message.direction ?? derived?.direction ?? null,
      status: 'RECEIVED',
      attempts: 0,
      lastError: null,
      createdAt: now,
      updatedAt: now,
    };
  }
}

async function insertRows(manager: EntityManager, rows: readonly EventProcessRow[]) {
  await manager.query(`INSERT INTO event_process (${COLUMNS}) VALUES ?`, [
    rows.map((r) => [
      r.consumer,
      r.messageId,
      r.sagaId,
      r.messageType,
      r.payload,
      r.step,
      r.direction,
      r.status,
      r.attempts,
      r.lastError,
      r.createdAt,
      r.updatedAt,
    ]),
  ]);
}

function keyOf(consumer: string, messageId: string): string {
  return JSON.stringify([consumer, messageId]);
}

function toRecord(row: EventProcessSqlRow): MySqlEventProcessRecord {
  return {
    consumer: row.consumer,
    messageId: row.message_id,
    sagaId: row.saga_id,
    messageType: row.message_type,
    payload: row.payload,
    step: row.step,
    direction:
      row.direction === 'forward' || row.direction === 'compensation' ? row.direction : null,
    status: row.status as EventProcessStatus,
    attempts: row.attempts,
    lastError: row.last_error,
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
  };
}
