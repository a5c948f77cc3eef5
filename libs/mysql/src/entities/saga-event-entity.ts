import { EntitySchema } from 'typeorm';

/** A row of `saga_event`: one event of a saga's stream. */
export interface SagaEventRow {
  /** BIGINT AUTO_INCREMENT, returned as a decimal string. */
  id: string;
  sagaId: string;
  /** 1-based position in the saga's stream; `(sagaId, seq)` is unique — the optimistic lock. */
  seq: number;
  /** The event's `type`, for SQL queries that do not parse `event`. */
  type: string;
  /** The `SagaEvent` as JSON. */
  event: string;
  recordedAt: Date;
}

/** The event store: one append-only stream of saga events per saga. */
export const SagaEventEntity = new EntitySchema<SagaEventRow>({
  name: 'SagaEvent',
  tableName: 'saga_event',
  columns: {
    id: { type: 'bigint', primary: true, generated: 'increment' },
    sagaId: { name: 'saga_id', type: 'varchar', length: 64 },
    seq: { type: 'int' },
    type: { type: 'varchar', length: 64 },
    event: { type: 'longtext' },
    recordedAt: { name: 'recorded_at', type: 'datetime', precision: 3 },
  },
  uniques: [{ name: 'uq_saga_event_saga_seq', columns: ['sagaId', 'seq'] }],
});
