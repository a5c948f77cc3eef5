import { EntitySchema } from 'typeorm';

/** A row of `saga_instance`: the listing projection of one saga, written by every append. */
export interface SagaInstanceRow {
  sagaId: string;
  sagaType: string;
  sagaVersion: number;
  /** Unique per saga type when set. */
  businessKey: string | null;
  status: string;
  /** The saga's active steps joined by `,` (cut to 191 characters); null when none. */
  currentStep: string | null;
  /** The saga data as JSON. */
  data: string;
  /** The full `SagaState` as JSON (`loadState`). */
  state: string;
  /** Events in the stream: the expected version of the next append. */
  version: number;
  failureCode: string | null;
  startedAt: Date;
  updatedAt: Date;
  endedAt: Date | null;
}

/** The saga listing projection (status API filters, recovery, statistics). */
export const SagaInstanceEntity = new EntitySchema<SagaInstanceRow>({
  name: 'SagaInstance',
  tableName: 'saga_instance',
  columns: {
    sagaId: { name: 'saga_id', type: 'varchar', length: 64, primary: true },
    sagaType: { name: 'saga_type', type: 'varchar', length: 64 },
    sagaVersion: { name: 'saga_version', type: 'int' },
    businessKey: { name: 'business_key', type: 'varchar', length: 191, nullable: true },
    status: { type: 'varchar', length: 32 },
    currentStep: { name: 'current_step', type: 'varchar', length: 191, nullable: true },
    data: { type: 'longtext' },
    state: { type: 'longtext' },
    version: { type: 'int' },
    failureCode: { name: 'failure_code', type: 'varchar', length: 128, nullable: true },
    startedAt: { name: 'started_at', type: 'datetime', precision: 3 },
    updatedAt: { name: 'updated_at', type: 'datetime', precision: 3 },
    endedAt: { name: 'ended_at', type: 'datetime', precision: 3, nullable: true },
  },
  uniques: [{ name: 'uq_saga_instance_business_key', columns: ['sagaType', 'businessKey'] }],
  indices: [
    { name: 'ix_saga_instance_status_updated', columns: ['status', 'updatedAt'] },
    { name: 'ix_saga_instance_status_started', columns: ['status', 'startedAt'] },
    { name: 'ix_saga_instance_type_status_started', columns: ['sagaType', 'status', 'startedAt'] },
    { name: 'ix_saga_instance_type_status_updated', columns: ['sagaType', 'status', 'updatedAt'] },
    { name: 'ix_saga_instance_started', columns: ['startedAt'] },
    { name: 'ix_saga_instance_ended', columns: ['endedAt'] },
    { name: 'ix_saga_instance_business_key', columns: ['businessKey'] },
  ],
});
