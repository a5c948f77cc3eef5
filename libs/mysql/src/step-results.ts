import {
  checkDate,
  checkInteger,
  checkOptions,
  type Clock,
  type Direction,
  InvalidArgumentError,
  type JsonObject,
  systemClock,
} from '@sagaflow/core';
import { type EntityManager } from 'typeorm';

import { StepResultEntity } from './entities/step-result-entity';
import { insertOrDuplicate, type InsertOutcome } from './insert-or-duplicate';
import { affectedRows, toIso } from './sql-values';

/** Which step result: one per consumer, saga, step and direction. */
export interface StepResultKey {
  readonly consumer: string;
  readonly sagaId: string;
  readonly step: string;
  readonly direction: Direction;
}

/** A step result to insert before the handler runs. */
export interface NewStepResult extends StepResultKey {
  /** The command being applied. */
  readonly messageId: string;
  readonly attempt: number;
  /** Usually null: the reply is stored with {@link StepResults.updateReply} once built. */
  readonly reply?: JsonObject | null;
}

/** A stored step result. */
export interface StepResult extends StepResultKey {
  readonly messageId: string;
  readonly attempt: number;
  readonly reply: JsonObject | null;
  /** ISO-8601 UTC. */
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** Options of {@link StepResults}. */
export interface StepResultsOptions {
  /**
   * Stamps `created_at` and `updated_at`.
   * @defaultValue the system clock
   */
  readonly clock?: Clock;
}

interface StepResultSqlRow {
  consumer: string;
  saga_id: string;
  step: string;
  direction: Direction;
  message_id: string;
  attempt: number;
  reply: string | null;
  created_at: Date;
  updated_at: Date;
}

/**
 * A participant's `step_result` table, always used inside the handler's transaction.
 *
 * The primary key `(consumer, saga_id, step, direction)` serialises concurrent attempts:
 * the second `insert` waits for the first transaction and then reports `duplicate`; that
 * transaction must roll back and answer from the stored reply, read in a new transaction
 * (or with `{ lock: true }`: a plain read in REPEATABLE READ may not see a row committed
 * after the transaction's first read).
 *
 * @example
 * ```ts
 * await dataSource.transaction(async (manager) => {
 *   const stored = await stepResults.find(manager, key);
 *   if (stored?.reply) return stored.reply;
 *   const outcome = await stepResults.insert(manager, { ...key, messageId, attempt });
 *   if (outcome.duplicate) throw new AlreadyAppliedError();
 *   const reply = await handler(manager, payload);
 *   await stepResults.updateReply(manager, key, reply);
 * });
 * ```
 */
export class StepResults {
  readonly #clock: Clock;

  constructor(options: StepResultsOptions = {}) {
    this.#clock = options.clock ?? systemClock;
    checkOptions('StepResults', [
      ['clock', this.#clock, typeof this.#clock.now === 'function', 'a Clock with now()'],
    ]);
  }

  /**
   * The stored result, or null. With `lock: true` a locking read (`LOCK IN SHARE MODE`),
   * which sees the latest committed row and holds it until the transaction ends.
   */
  async find(
    manager: EntityManager,
    key: StepResultKey,
    options: { readonly lock?: boolean } = {},
  ): Promise<StepResult | null> {
    const rows = await manager.query<StepResultSqlRow[]>(
      `SELECT consumer, saga_id, step, direction, message_id, attempt, reply, created_at,
              updated_at
         FROM step_result
        WHERE consumer = ? AND saga_id = ? AND step = ? AND direction = ?
        ${options.lock === true ? 'LOCK IN SHARE MODE' : ''}`,
      [key.consumer, key.sagaId, key.step, key.direction],
    );
    const row = rows[0];
    return row === undefined ? null : toResult(row);
  }

  /** Inserts the row; `{ duplicate: true }` when a result for the key exists already. */
  async insert(manager: EntityManager, row: NewStepResult): Promise<InsertOutcome> {
    const now = this.#clock.now();
    return insertOrDuplicate(manager, StepResultEntity, {
      consumer: row.consumer,
      sagaId: row.sagaId,
      step: row.step,
      direction: row.direction,
      messageId: row.messageId,
      attempt: row.attempt,
      reply: row.reply === undefined || row.reply === null ? null : JSON.stringify(row.reply),
      createdAt: now,
      updatedAt: now,
    });
  }

  /** Stores the reply of the key's result; throws `InvalidArgumentError` if there is none. */
  async updateReply(manager: EntityManager, key: StepResultKey, reply: JsonObject): Promise<void> {
    const result = await manager.query<unknown>(
      `UPDATE step_result SET reply = ?, updated_at = ?
        WHERE consumer = ? AND saga_id = ? AND step = ? AND direction = ?`,
      [JSON.stringify(reply), this.#clock.now(), key.consumer, key.sagaId, key.step, key.direction],
    );
    if (affectedRows(result) === 0) {
      throw new InvalidArgumentError('key', key, 'has no step_result row to update');
    }
  }

  /**
   * Deletes results whose reply is stored (the step was answered) and that were last
   * updated before `before`, oldest first, at most `limit`; returns how many went. Only
   * `consumer`'s when given. The retention purge: run it on an autocommit manager
   * (`dataSource.manager`), in a loop with `purgeFinished`. Once a step's result is gone, a
   * new attempt of that step runs the handler again, and a compensation finds nothing to
   * undo: the retention must outlast every saga that may still send the step a command.
   */
  async deleteBefore(
    manager: EntityManager,
    before: Date,
    limit: number,
    consumer?: string,
  ): Promise<number> {
    checkDate('before', before);
    checkInteger('limit', limit, 1);
    // The keys are picked on the updated_at index, forced: with `consumer = ?`, a prefix of
    // the primary key, the optimiser would rather scan the whole table and sort it for every
    // batch. LIMIT keeps the derived table materialised, so MySQL too accepts it next to the
    // table it deletes from.
    const result = await manager.query<unknown>(
      `DELETE r FROM step_result r
         JOIN (SELECT consumer, saga_id, step, direction
                 FROM step_result FORCE INDEX (ix_step_result_updated)
                WHERE reply IS NOT NULL AND updated_at < ?
                  ${consumer === undefined ? '' : 'AND consumer = ?'}
                ORDER BY updated_at
                LIMIT ?) old USING (consumer, saga_id, step, direction)
        WHERE r.reply IS NOT NULL`,
      consumer === undefined ? [before, limit] : [before, consumer, limit],
    );
    return affectedRows(result);
  }
}

function toResult(row: StepResultSqlRow): StepResult {
  return {
    consumer: row.consumer,
    sagaId: row.saga_id,
    step: row.step,
    direction: row.direction,
    messageId: row.message_id,
    attempt: row.attempt,
    reply: row.reply === null ? null : (JSON.parse(row.reply) as JsonObject),
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
  };
}
