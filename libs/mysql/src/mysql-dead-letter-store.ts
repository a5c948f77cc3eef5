import {
  checkDate,
  checkInteger,
  checkOptions,
  type Clock,
  type DeadLetter,
  DeadLetterNotFoundError,
  type DeadLetterQuery,
  type DeadLetterStore,
  type StoredDeadLetter,
  systemClock,
} from '@sagaflow/core';
import { type DataSource } from 'typeorm';

import { isDuplicateKeyError } from './is-duplicate-key-error';
import { affectedRows, toIso, toIsoOrNull, truncate } from './sql-values';

/** Options of {@link MySqlDeadLetterStore}. */
export interface MySqlDeadLetterStoreOptions {
  /**
   * Stamps `created_at`.
   * @defaultValue the system clock
   */
  readonly clock?: Clock;
}

interface DeadLetterSqlRow {
  id: string;
  consumer: string;
  topic: string;
  kafka_partition: number;
  kafka_offset: string;
  message_key: string | null;
  headers: string;
  value: string | null;
  value_truncated: number;
  reason_code: string;
  reason_message: string;
  message_id: string | null;
  saga_id: string | null;
  failed_at: Date;
  replayed_at: Date | null;
  replayed_by: string | null;
  replay_reason: string | null;
}

const COLUMNS = `id, consumer, topic, kafka_partition, kafka_offset, message_key, headers, value,
  value_truncated, reason_code, reason_message, message_id, saga_id, failed_at, replayed_at,
  replayed_by, replay_reason`;

/** Column sizes: a dead letter is recorded whatever the message held, cut to fit. */
const TEXT_LENGTH = 16_000;
const ID_LENGTH = 255;
const REASON_CODE_LENGTH = 64;
const ACTOR_LENGTH = 128;

/**
 * The `dead_letter` table, the `DeadLetterStore` port in MySQL/MariaDB. Idempotent per
 * `(consumer, sourceTopic, partition, offset)`: re-consuming a record after a crash finds
 * the existing entry (`created: false`). Fields that could exceed their column (reason
 * message, ids read from a malformed message, the key) are cut to fit, so recording a bad
 * message never fails on its content.
 *
 * @example
 * ```ts
 * const deadLetters = new MySqlDeadLetterStore(dataSource);
 * const { id, created } = await deadLetters.record(createDeadLetterRecord(...));
 * await deadLetters.markReplayed(id, 'alice', new Date(), 'the Teleport handler is deployed');
 * ```
 */
export class MySqlDeadLetterStore implements DeadLetterStore {
  readonly #dataSource: DataSource;
  readonly #clock: Clock;

  constructor(dataSource: DataSource, options: MySqlDeadLetterStoreOptions = {}) {
    this.#dataSource = dataSource;
    this.#clock = options.clock ?? systemClock;
    checkOptions('MySqlDeadLetterStore', [
      ['clock', this.#clock, typeof this.#clock.now === 'function', 'a Clock with now()'],
    ]);
  }

  async record(
    deadLetter: DeadLetter,
  ): Promise<{ readonly id: string; readonly created: boolean }> {
    const failedAt = new Date(deadLetter.failedAt);
    try {
      const result = await this.#dataSource.query<unknown>(
        `INSERT INTO dead_letter (consumer, topic, kafka_partition, kafka_offset, message_key,
           headers, value, value_truncated, reason_code, reason_message, message_id, saga_id,
           failed_at, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          deadLetter.consumer,
          deadLetter.sourceTopic,
          deadLetter.partition,
          deadLetter.offset,
          deadLetter.key === null ? null : truncate(deadLetter.key, TEXT_LENGTH),
          JSON.stringify(deadLetter.headers),
          deadLetter.value,
          deadLetter.valueTruncated ? 1 : 0,
          truncate(deadLetter.reason.code, REASON_CODE_LENGTH),
          truncate(deadLetter.reason.message, TEXT_LENGTH),
          deadLetter.messageId === null ? null : truncate(deadLetter.messageId, ID_LENGTH),
          deadLetter.sagaId === null ? null : truncate(deadLetter.sagaId, ID_LENGTH),
          Number.isNaN(failedAt.getTime()) ? this.#clock.now() : failedAt,
          this.#clock.now(),
        ],
      );
      return { id: insertId(result), created: true };
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      const rows = await this.#dataSource.query<{ id: string }[]>(
        `SELECT id FROM dead_letter
          WHERE consumer = ? AND topic = ? AND kafka_partition = ? AND kafka_offset = ?`,
        [deadLetter.consumer, deadLetter.sourceTopic, deadLetter.partition, deadLetter.offset],
      );
      const existing = rows[0];
      // Rows are never deleted, so the conflicting row is there; if not, the error stands.
      if (existing === undefined) throw error;
      return { id: existing.id, created: false };
    }
  }

  async get(id: string): Promise<StoredDeadLetter | null> {
    if (!isRowId(id)) return null;
    const rows = await this.#dataSource.query<DeadLetterSqlRow[]>(
      `SELECT ${COLUMNS} FROM dead_letter WHERE id = ?`,
      [id],
    );
    const row = rows[0];
    return row === undefined ? null : toStored(row);
  }

  async list(query: DeadLetterQuery): Promise<readonly StoredDeadLetter[]> {
    const limit = checkInteger('limit', query.limit, 1, 1000);
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.beforeId !== undefined) {
      if (!isRowId(query.beforeId)) return [];
      where.push('id < ?');
      params.push(query.beforeId);
    }
    if (query.reasonCode !== undefined) {
      where.push('reason_code = ?');
      params.push(query.reasonCode);
    }
    if (query.sourceTopic !== undefined) {
      where.push('topic = ?');
      params.push(query.sourceTopic);
    }
    if (query.replayed !== undefined) {
      where.push(query.replayed ? 'replayed_at IS NOT NULL' : 'replayed_at IS NULL');
    }
    if (query.sagaId !== undefined) {
      where.push('saga_id = ?');
      params.push(query.sagaId);
    }
    const rows = await this.#dataSource.query<DeadLetterSqlRow[]>(
      `SELECT ${COLUMNS} FROM dead_letter
        ${where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`}
        ORDER BY id DESC
        LIMIT ?`,
      [...params, limit],
    );
    return rows.map(toStored);
  }

  /** Stamps who replayed the dead letter, when and why; throws `DeadLetterNotFoundError`. */
  async markReplayed(id: string, actor: string, at: Date, reason?: string): Promise<void> {
    checkDate('at', at);
    if (!isRowId(id)) throw new DeadLetterNotFoundError(id);
    const result = await this.#dataSource.query<unknown>(
      'UPDATE dead_letter SET replayed_at = ?, replayed_by = ?, replay_reason = ? WHERE id = ?',
      [
        at,
        truncate(actor, ACTOR_LENGTH),
        reason === undefined ? null : truncate(reason, TEXT_LENGTH),
        id,
      ],
    );
    if (affectedRows(result) === 0) throw new DeadLetterNotFoundError(id);
  }
}

/** Ids are BIGINT AUTO_INCREMENT values: anything else names no row. */
function isRowId(id: string): boolean {
  return /^[1-9][0-9]{0,18}$/.test(id);
}

function insertId(result: unknown): string {
  if (typeof result === 'object' && result !== null && 'insertId' in result) {
    const { insertId: id } = result;
    if (typeof id === 'number' || typeof id === 'string') return String(id);
  }
  throw new TypeError('expected the result of an INSERT statement');
}

function toStored(row: DeadLetterSqlRow): StoredDeadLetter {
  return {
    id: row.id,
    consumer: row.consumer,
    sourceTopic: row.topic,
    partition: row.kafka_partition,
    offset: row.kafka_offset,
    key: row.message_key,
    value: row.value,
    valueTruncated: row.value_truncated !== 0,
    headers: JSON.parse(row.headers) as StoredDeadLetter['headers'],
    reason: { code: row.reason_code, message: row.reason_message },
    messageId: row.message_id,
    sagaId: row.saga_id,
    failedAt: toIso(row.failed_at),
    replayedAt: toIsoOrNull(row.replayed_at),
    replayedBy: row.replayed_by,
    replayReason: row.replay_reason,
  };
}
