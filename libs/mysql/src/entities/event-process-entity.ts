import { EntitySchema } from 'typeorm';

/** A row of `event_process`: the EventProcess record of one consumed message. */
export interface EventProcessRow {
  consumer: string;
  messageId: string;
  sagaId: string;
  messageType: string;
  /** The raw encoded envelope. */
  payload: string;
  /** The envelope's step, when known: lets a compensation wait for its forward command. */
  step: string | null;
  /** `forward` or `compensation` for commands; null for replies and unknown payloads. */
  direction: string | null;
  /** RECEIVED, PROCESSING, DONE or FAILED. */
  status: string;
  attempts: number;
  lastError: string | null;
  createdAt: Date;
  /** Also the lease: a PROCESSING record not updated since the lease cut-off may be claimed. */
  updatedAt: Date;
}

/** The EventProcess table: duplicates are discarded by its primary key. */
export const EventProcessEntity = new EntitySchema<EventProcessRow>({
  name: 'EventProcess',
  tableName: 'event_process',
  columns: {
    consumer: { type: 'varchar', length: 128, primary: true },
    messageId: { name: 'message_id', type: 'varchar', length: 255, primary: true },
    sagaId: { name: 'saga_id', type: 'varchar', length: 255 },
    messageType: { name: 'message_type', type: 'varchar', length: 255 },
    payload: { type: 'longtext' },
    step: { type: 'varchar', length: 255, nullable: true },
    direction: { type: 'varchar', length: 16, nullable: true },
    status: { type: 'varchar', length: 16 },
    attempts: { type: 'int' },
    lastError: { name: 'last_error', type: 'text', nullable: true },
    createdAt: { name: 'created_at', type: 'datetime', precision: 3 },
    updatedAt: { name: 'updated_at', type: 'datetime', precision: 3 },
  },
  indices: [
    { name: 'ix_event_process_status_updated', columns: ['status', 'updatedAt'] },
    { name: 'ix_event_process_consumer_saga', columns: ['consumer', 'sagaId'] },
  ],
});
