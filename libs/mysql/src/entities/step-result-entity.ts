import { EntitySchema } from 'typeorm';

/** A row of `step_result`: what a participant did for one step (and direction) of a saga. */
export interface StepResultRow {
  consumer: string;
  sagaId: string;
  step: string;
  /** `forward` or `compensation`. */
  direction: string;
  /** The command that applied it. */
  messageId: string;
  attempt: number;
  /** The reply (outcome and payload) as JSON; null until the handler's reply is stored. */
  reply: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * Participants' step results: the primary key serialises concurrent attempts of one step,
 * and a redelivered command is answered from the stored reply.
 */
export const StepResultEntity = new EntitySchema<StepResultRow>({
  name: 'StepResult',
  tableName: 'step_result',
  columns: {
    consumer: { type: 'varchar', length: 128, primary: true },
    sagaId: { name: 'saga_id', type: 'varchar', length: 255, primary: true },
    step: { type: 'varchar', length: 255, primary: true },
    direction: { type: 'varchar', length: 16, primary: true },
    messageId: { name: 'message_id', type: 'varchar', length: 255 },
    attempt: { type: 'int' },
    reply: { type: 'longtext', nullable: true },
    createdAt: { name: 'created_at', type: 'datetime', precision: 3 },
    updatedAt: { name: 'updated_at', type: 'datetime', precision: 3 },
  },
  indices: [{ name: 'ix_step_result_updated', columns: ['updatedAt'] }],
});
