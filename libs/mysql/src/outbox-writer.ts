import {
  checkOptions,
  type Clock,
  ConflictError,
  InvalidArgumentError,
  type OutboxMessage,
  systemClock,
} from '@sagaflow/core';
import { type EntityManager } from 'typeorm';

import { isDuplicateKeyError } from './is-duplicate-key-error';
import { outboxShardOf } from './outbox-shard';
import { runStatements, type SqlStatement } from './sql-statement';
import { chunkRows } from './sql-values';

/** Options of {@link OutboxWriter}. */
export interface OutboxWriterOptions {
  /**
   * Stamps `created_at` of the rows.
   * @defaultValue the system clock
   */
  readonly clock?: Clock;
}

/** Options of one {@link OutboxWriter.write}. */
export interface OutboxWriteOptions {
  /**
   * What a message whose id is already in the outbox does: `'throw'` fails the write with
   * a `ConflictError` (`OUTBOX_MESSAGE_DUPLICATE`; the caller's transaction must roll back);
   * `'skip'` leaves the stored message as it is and writes the others — for messages with
   * deterministic ids that a retried piece of work writes again (a participant's reply to a
   * command it answered before). An id twice in `messages` throws either way.
   * @defaultValue `'throw'`
   */
  readonly onDuplicate?: 'skip' | 'throw';
}

/** What one {@link OutboxWriter.write} did. */
export interface OutboxWriteResult {
  /** Ids of the messages inserted, in order. */
  readonly written: readonly string[];
  /** Ids already in the outbox, left as they were (`onDuplicate: 'skip'` only). */
  readonly skipped: readonly string[];
}

/** Rows per multi-row INSERT, and characters per statement (well under `max_allowed_packet`). */
const MAX_ROWS_PER_INSERT = 500;
const MAX_CHARS_PER_INSERT = 4_000_000;
const ON_DUPLICATE = ['skip', 'throw'] as const;

/**
 * Writes messages into the `outbox` table inside the caller's transaction: a participant's
 * reply commits together with its business change, or not at all. The outbox relay
 * publishes them after the commit.
 *
 * @example
 * ```ts
 * const writer = new OutboxWriter();
 * await dataSource.transaction(async (manager) => {
 *   await reserveCredit(manager, payload);
 *   await writer.write(manager, [replyMessage], { onDuplicate: 'skip' });
 *   await eventProcess.completeIn(manager, consumer, command.messageId);
 * });
 * relay.wake();
 * ```
 */
export class OutboxWriter {
  readonly #clock: Clock;

  constructor(options: OutboxWriterOptions = {}) {
    this.#clock = options.clock ?? systemClock;
    checkOptions('OutboxWriter', [
      ['clock', this.#clock, typeof this.#clock.now === 'function', 'a Clock with now()'],
    ]);
  }

  /**
   * Inserts the messages, in order (their `seq` follows it). With `onDuplicate: 'throw'`
   * (the default) an id already in the outbox, or twice in `messages`, throws a
   * `ConflictError` (`OUTBOX_MESSAGE_DUPLICATE`) and the caller's transaction must roll
   * back; with `'skip'` the ids already in the outbox are left as they are and reported in
   * `skipped`. Either way the common case — no id stored yet — costs one multi-row INSERT
   * per chunk and no lookup: a key conflict rolls back only its own statement, and `'skip'`
   * then inserts that chunk's rows one by one.
   *
   * @throws InvalidArgumentError for an unknown `onDuplicate`.
   */
  async write(
    manager: EntityManager,
    messages: readonly OutboxMessage[],
    options: OutboxWriteOptions = {},
  ): Promise<OutboxWriteResult> {
    const onDuplicate = options.onDuplicate ?? 'throw';
    if (!ON_DUPLICATE.includes(onDuplicate)) {
      throw new InvalidArgumentError('onDuplicate', onDuplicate, "must be 'skip' or 'throw'");
    }
    if (onDuplicate === 'throw') {
      await runStatements(manager, this.inserts(messages));
      return { written: messages.map((m) => m.id), skipped: [] };
    }
    if (messages.length === 0) return { written: [], skipped: [] };
    const ids = messages.map((m) => m.id);
    if (new Set(ids).size !== ids.length) throw duplicateMessageError(ids);
    const createdAt = this.#clock.now();
    const skipped: string[] = [];
    for (const chunk of chunksOf(messages)) {
      try {
        await runStatements(manager, [insertRows(chunk, createdAt)]);
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
        // An id of the chunk is stored (before, or by a concurrent transaction that just
        // committed). The failed statement alone was rolled back: insert its rows one by one.
        for (const message of chunk) {
          try {
            await runStatements(manager, [insertRows([message], createdAt)]);
          } catch (rowError) {
            if (!isDuplicateKeyError(rowError)) throw rowError;
            skipped.push(message.id);
          }
        }
      }
    }
    return { written: ids.filter((id) => !skipped.includes(id)), skipped };
  }

  /**
   * The statements of a {@link write} with `onDuplicate: 'throw'`, for a caller that runs a
   * transaction's statements together: an id already in the outbox makes its statement throw
   * a `ConflictError` (`OUTBOX_MESSAGE_DUPLICATE`).
   *
   * @throws ConflictError (`OUTBOX_MESSAGE_DUPLICATE`) at once for an id twice in `messages`.
   */
  inserts(messages: readonly OutboxMessage[]): SqlStatement[] {
    const ids = messages.map((m) => m.id);
    if (new Set(ids).size !== ids.length) throw duplicateMessageError(ids);
    const createdAt = this.#clock.now();
    return chunksOf(messages).map((chunk) => ({
      ...insertRows(chunk, createdAt),
      onDuplicate: (cause) => duplicateMessageError(ids, cause),
    }));
  }
}

/**
 * An outbox message id is already in the outbox (or twice in one write): the outbox's
 * unique key on `message_id` rejected the write, and the transaction writing it must roll
 * back. Terminal: message ids are deterministic, so the same write fails again.
 */
function duplicateMessageError(messageIds: readonly string[], cause?: unknown): ConflictError {
  const shown = `${messageIds.slice(0, 10).join(', ')}${messageIds.length > 10 ? ', …' : ''}`;
  return new ConflictError(
    'OUTBOX_MESSAGE_DUPLICATE',
    `an outbox message id is already taken (one of: ${shown})`,
    {
      ...(cause === undefined ? {} : { cause }),
      context: messageIds[0] === undefined ? {} : { messageId: messageIds[0] },
    },
  );
}

function chunksOf(messages: readonly OutboxMessage[]): OutboxMessage[][] {
  return chunkRows(
    messages,
    MAX_ROWS_PER_INSERT,
    MAX_CHARS_PER_INSERT,
    (m) => m.value.length + m.id.length + m.key.length + 200,
  );
}

function insertRows(messages: readonly OutboxMessage[], createdAt: Date): SqlStatement {
  return {
    sql: `INSERT INTO outbox (message_id, topic, message_key, shard, headers, value, created_at)
          VALUES ?`,
    params: [
      messages.map((m) => [
        m.id,
        m.topic,
        m.key,
        outboxShardOf(m.key),
        JSON.stringify(m.headers),
        m.value,
        createdAt,
      ]),
    ],
  };
}
