import { type SagaEvent, type SagaState, SagaStatus } from '@sagaflow/core';
import { PLACE_ORDER, placeOrderInput, type ServiceDatabaseConnection } from '@sagaflow/examples';
import { createDataSource } from '@sagaflow/mysql';
import { type DataSource } from 'typeorm';
import { z } from 'zod';

import { type PlaceOrderOutcome } from '../checks/consistency-checks';
import { type StoredSagaStream } from '../checks/stream-checks';

const sagaStatus = z.enum(SagaStatus);

const outcomeRow = z.object({
  saga_id: z.string(),
  status: sagaStatus,
  failure_code: z.string().nullable(),
  data: z.string(),
  started_at: z.date(),
  ended_at: z.date().nullable(),
});

/**
 * Plain SQL access to one database of a stack (the orchestrator's or a service's), for the
 * demo's summary and the tests' assertions. Read-only use is intended; the schema belongs to
 * the process that migrates it.
 *
 * @example
 * ```ts
 * const db = await StackDatabase.open(stack.databaseTarget('orchestrator'));
 * try { await db.placeOrderOutcomes(); } finally { await db.close(); }
 * ```
 */
export class StackDatabase {
  readonly #dataSource: DataSource;

  private constructor(dataSource: DataSource) {
    this.#dataSource = dataSource;
  }

  /** Connects (a pool of 2). */
  static async open(target: ServiceDatabaseConnection): Promise<StackDatabase> {
    const dataSource = createDataSource({
      database: target.database,
      ...(target.host === undefined ? {} : { host: target.host }),
      ...(target.port === undefined ? {} : { port: target.port }),
      ...(target.user === undefined ? {} : { username: target.user }),
      ...(target.password === undefined ? {} : { password: target.password }),
      ...(target.driver === undefined ? {} : { type: target.driver }),
      poolSize: 2,
    });
    await dataSource.initialize();
    return new StackDatabase(dataSource);
  }

  /** Runs a query with `?` parameters and returns its rows. */
  async query<Row>(sql: string, parameters: readonly unknown[] = []): Promise<Row[]> {
    return this.#dataSource.query<Row[]>(sql, [...parameters]);
  }

  /** The status of each of these sagas that exists. */
  async sagaStatuses(sagaIds: readonly string[]): Promise<Map<string, SagaStatus>> {
    const statuses = new Map<string, SagaStatus>();
    for (let start = 0; start < sagaIds.length; start += 500) {
      const chunk = sagaIds.slice(start, start + 500);
      const rows = await this.query<{ saga_id: string; status: string }>(
        `SELECT saga_id, status FROM saga_instance WHERE saga_id IN (${chunk.map(() => '?').join(',')})`,
        chunk,
      );
      for (const row of rows) statuses.set(row.saga_id, sagaStatus.parse(row.status));
    }
    return statuses;
  }

  /** Every place-order saga (orchestrator database), oldest first. */
  async placeOrderOutcomes(): Promise<PlaceOrderOutcome[]> {
    const rows = await this.query<unknown>(
      `SELECT saga_id, status, failure_code, data, started_at, ended_at
         FROM saga_instance WHERE saga_type = ? ORDER BY started_at, saga_id`,
      [PLACE_ORDER],
    );
    return rows.map((raw) => {
      const row = outcomeRow.parse(raw);
      return {
        sagaId: row.saga_id,
        status: row.status,
        failureCode: row.failure_code,
        input: placeOrderInput.parse(JSON.parse(row.data)),
        startedAt: row.started_at,
        endedAt: row.ended_at,
      };
    });
  }

  /**
   * Every saga's stored events, in `seq` order, with its projection (orchestrator
   * database), for {@link checkSagaStreams}.
   */
  async sagaStreams(): Promise<StoredSagaStream[]> {
    // One snapshot for both reads: a decision committed between them (a stale timer firing
    // late is recorded as an ignored input) would otherwise pair a stream with a projection
    // one event ahead of it.
    const { events, projections } = await this.#dataSource.transaction(
      'REPEATABLE READ',
      async (manager) => ({
        events: await manager.query<{ saga_id: string; seq: number | string; event: string }[]>(
          'SELECT saga_id, seq, event FROM saga_event ORDER BY saga_id, seq',
        ),
        projections: await manager.query<{ saga_id: string; state: string }[]>(
          'SELECT saga_id, state FROM saga_instance',
        ),
      }),
    );
    const streams = new Map<string, { seqs: number[]; events: SagaEvent[] }>();
    for (const row of events) {
      let stream = streams.get(row.saga_id);
      if (stream === undefined) {
        stream = { seqs: [], events: [] };
        streams.set(row.saga_id, stream);
      }
      stream.seqs.push(Number(row.seq));
      stream.events.push(JSON.parse(row.event) as SagaEvent);
    }
    const projectionOf = new Map(
      projections.map((row) => [row.saga_id, JSON.parse(row.state) as SagaState]),
    );
    return [...streams].map(([sagaId, stream]) => ({
      sagaId,
      ...stream,
      projection: projectionOf.get(sagaId) ?? null,
    }));
  }

  async close(): Promise<void> {
    await this.#dataSource.destroy();
  }
}
