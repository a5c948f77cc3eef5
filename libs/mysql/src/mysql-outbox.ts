import {
  checkDate,
  checkInteger,
  checkOptions,
  type Clock,
  type Outbox,
  type OutboxRecord,
  systemClock,
} from '@sagaflow/core';
import { type DataSource } from 'typeorm';

import { affectedRows, toIso, toNumber } from './sql-values';

/** Options of {@link MySqlOutbox}. */
export interface MySqlOutboxOptions {
  /**
   * Stamps `published_at`.
   * @defaultValue the system clock
   */
  readonly clock?: Clock;
}

interface OutboxSqlRow {
  seq: string;
  message_id: string;
  topic: string;
  message_key: string;
  headers: string;
  value: string;
  created_at: Date;
}

/**
 * The relay's side of the `outbox` table (the `Outbox` port).
 *
 * A pass first reads which shards have unpublished messages (outside any transaction, so
 * an idle poll is one query). A claim then runs in one READ COMMITTED transaction: lock the
 * `outbox_shard` rows of those shards with `FOR UPDATE SKIP LOCKED` (shards another
 * relay holds are skipped, never waited for), read those shards' unpublished messages in
 * `seq` order, `publish` them, stamp `published_at`, commit. A key always maps to one
 * shard, so concurrent relays never publish one key's messages at once or out of order.
 * If `publish` rejects, the transaction rolls back and the error propagates. READ
 * COMMITTED matters: each read sees what the previous holder of a shard committed, and no
 * gap locks block the appends that insert new messages meanwhile.
 *
 * @example
 * ```ts
 * const outbox = new MySqlOutbox(dataSource);
 * await outbox.publishBatch(100, (records) => producer.sendInTransaction(records));
 * await outbox.deletePublishedBefore(new Date(Date.now() - 3_600_000), 1000);
 * ```
 */
export class MySqlOutbox implements Outbox {
  readonly #dataSource: DataSource;
  readonly #clock: Clock;

  constructor(dataSource: DataSource, options: MySqlOutboxOptions = {}) {
    this.#dataSource = dataSource;
    this.#clock = options.clock ?? systemClock;
    checkOptions('MySqlOutbox', [
      ['clock', this.#clock, typeof this.#clock.now === 'function', 'a Clock with now()'],
    ]);
  }

  async publishBatch(
    limit: number,
    publish: (messages: readonly OutboxRecord[]) => Promise<void>,
    options: { readonly createdBefore?: Date } = {},
  ): Promise<number> {
    checkInteger('limit', limit, 1);
    if (options.createdBefore !== undefined) checkDate('createdBefore', options.createdBefore);
    // Far in the future when not asked: every unpublished row.
    const createdBefore = options.createdBefore ?? new Date('9999-01-01T00:00:00Z');
    // Which shards have work: one autocommit read, so an idle poll costs one round trip and
    // no transaction. What it finds is only a hint; the transaction re-reads under lock.
    const pending = await this.#dataSource.query<{ shard: number }[]>(
      'SELECT DISTINCT shard FROM outbox WHERE published_at IS NULL AND created_at < ?',
      [createdBefore],
    );
    if (pending.length === 0) return 0;
    return this.#dataSource.transaction('READ COMMITTED', async (manager) => {
      const locked = await manager.query<{ shard: number }[]>(
        `SELECT shard FROM outbox_shard WHERE shard IN (?) ORDER BY shard
           FOR UPDATE SKIP LOCKED`,
        [pending.map((p) => p.shard)],
      );
      if (locked.length === 0) return 0;
      const rows = await manager.query<OutboxSqlRow[]>(
        `SELECT seq, message_id, topic, message_key, headers, value, created_at
           FROM outbox
          WHERE published_at IS NULL AND shard IN (?) AND created_at < ?
          ORDER BY seq
          LIMIT ?`,
        [locked.map((l) => l.shard), createdBefore, limit],
      );
      if (rows.length === 0) return 0;
      await publish(rows.map(toRecord));
      await manager.query('UPDATE outbox SET published_at = ? WHERE seq IN (?)', [
        this.#clock.now(),
        rows.map((r) => r.seq),
      ]);
      return rows.length;
    });
  }

  async markPublished(ids: readonly string[]): Promise<number> {
    if (ids.length === 0) return 0;
    const result = await this.#dataSource.query<unknown>(
      'UPDATE outbox SET published_at = ? WHERE message_id IN (?) AND published_at IS NULL',
      [this.#clock.now(), ids],
    );
    return affectedRows(result);
  }

  async pendingCount(): Promise<number> {
    const rows = await this.#dataSource.query<{ n: string }[]>(
      'SELECT COUNT(*) AS n FROM outbox WHERE published_at IS NULL',
    );
    return toNumber(rows[0]?.n ?? 0);
  }

  /**
   * When the oldest unpublished message was written; null when every message is
   * published. The outbox lag: how far the relay is behind.
   *
   * No index holds `created_at` of unpublished rows: `(published_at, shard, seq)` narrows the
   * read to the unpublished rows, and each of those is looked up for its `created_at`. The
   * cost grows with the backlog this measures — nothing while the relay keeps up. (The
   * lowest `seq` would be one index dive per shard, but `seq` is taken when a row is
   * inserted and `created_at` is the writer's clock: they need not agree in order.)
   *
   * @example
   * ```ts
   * const createdAt = await outbox.oldestPendingCreatedAt();
   * const lagSeconds = createdAt === null ? 0 : (Date.now() - createdAt.getTime()) / 1000;
   * ```
   */
  async oldestPendingCreatedAt(): Promise<Date | null> {
    const rows = await this.#dataSource.query<{ oldest: Date | null }[]>(
      'SELECT MIN(created_at) AS oldest FROM outbox WHERE published_at IS NULL',
    );
    return rows[0]?.oldest ?? null;
  }

  /**
   * Deletes up to `limit` messages published before `before` (oldest first) and returns
   * how many it deleted: the retention purge, run in a loop with `purgeFinished` to clean
   * up in small transactions.
   */
  async deletePublishedBefore(before: Date, limit: number): Promise<number> {
    checkDate('before', before);
    checkInteger('limit', limit, 1);
    const result = await this.#dataSource.query<unknown>(
      'DELETE FROM outbox WHERE published_at < ? ORDER BY published_at LIMIT ?',
      [before, limit],
    );
    return affectedRows(result);
  }
}

function toRecord(row: OutboxSqlRow): OutboxRecord {
  return {
    id: row.message_id,
    topic: row.topic,
    key: row.message_key,
    headers: JSON.parse(row.headers) as OutboxRecord['headers'],
    value: row.value,
    seq: toNumber(row.seq),
    createdAt: toIso(row.created_at),
  };
}
