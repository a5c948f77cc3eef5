import { type Direction, type Logger } from '@sagaflow/core';
import { type EntityManager } from 'typeorm';

/**
 * What a command handler knows about the command it runs, and the transaction it runs in.
 * Everything the handler writes through {@link manager} commits together with the reply
 * and the EventProcess record, or not at all.
 */
export interface CommandContext {
  /**
   * The transaction's entity manager (READ COMMITTED): write the business change through it,
   * and lock the rows you read to change (`SELECT … FOR UPDATE`, or
   * `setLock('pessimistic_write')`).
   */
  readonly manager: EntityManager;
  readonly sagaId: string;
  readonly sagaType: string;
  readonly sagaVersion: number;
  readonly step: string;
  /** `forward` runs the step, `compensation` undoes it. */
  readonly direction: Direction;
  /** The attempt of the step (or of its compensation), from 1. */
  readonly attempt: number;
  /** The command's message id, `<sagaId>.<step>.<f|c>.<attempt>`. */
  readonly messageId: string;
  /** The command's name, e.g. `ReserveCredit`. */
  readonly messageType: string;
  /** A logger whose lines carry `sagaId`, `messageId`, `step` and `messageType`. */
  readonly logger: Logger;
  /** When processing started, from the participant's clock. */
  readonly now: Date;
}
