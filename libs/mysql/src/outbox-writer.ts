import { checkOptions } from '@sagaflow/config';
import { type Clock, type OutboxMessage } from '@sagaflow/core';
import { type EntityManager } from 'typeorm';

import { DuplicateOutboxMessageError } from './duplicate-outbox-message-error';
import { isDuplicateKeyError } from './is-duplicate-key-error';
import { outboxShardOf } from './outbox-shard';
import { chunkRows } from './sql-values';
import { systemClock } from './system-clock';

/** Options of {@link OutboxWriter}. */
export interface OutboxWriterOptions {
  /**
   * Stamps `created_at` of the rows.
   * @defaultValue the system clock
   */
  readonly clock?: Clock;
}

/** Rows per multi-row INSERT, and characters per statement (well under `max_allowed_packet`). */
const MAX_ROWS_PER_INSERT = 500;
const MAX_CHARS_PER_INSERT = 4_000_000;

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
 *   await writer.write(manager, [replyMessage]);
 *   await inbox.completeIn(manager, consumer, command.messageId);
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
   * Inserts the messages, in order (their `seq` follows it). Throws
   * {@link DuplicateOutboxMessageError} if an id is already in the outbox or twice in
   * `messages`; the caller's transaction must then roll back.
   */
  async write(manager: EntityManager, messages: readonly OutboxMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const ids = messages.map((m) => m.id);
    if (new Set(ids).size !== ids.length) throw new DuplicateOutboxMessageError(ids);
    const createdAt = this.#clock.now();
    const chunks = chunkRows(
      messages,
      MAX_ROWS_PER_INSERT,
      MAX_CHARS_PER_INSERT,
      (m) => m.value.length + m.id.length + m.key.length + 200,
    );
    try {
      for (const chunk of chunks) {
        await manager.query(
          `INSERT INTO outbox (message_id, topic, message_key, shard, headers, value, created_at)
           VALUES ?`,
          [
            chunk.map((m) => [
              m.id,
              m.topic,
              m.key,
              outboxShardOf(m.key),
              JSON.stringify(m.headers),
              m.value,
              createdAt,
            ]),
          ],
        );
      }
    } catch (error) {
      if (isDuplicateKeyError(error)) throw new DuplicateOutboxMessageError(ids, { cause: error });
      throw error;
    }
  }
}
