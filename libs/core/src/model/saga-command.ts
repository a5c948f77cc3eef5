import { type JsonObject } from './json';

/**
 * Which way a command goes: `forward` executes a step, `compensation` undoes one.
 */
export type Direction = 'forward' | 'compensation';

/**
 * A command the orchestrator sends to a participant: execute a step (`forward`) or undo
 * it (`compensation`). Its {@link messageId} is deterministic —
 * `<sagaId>.<step>.<f|c>.<attempt>` — so the same attempt is never two different messages.
 */
export interface SagaCommand {
  readonly messageId: string;
  readonly sagaId: string;
  readonly sagaType: string;
  readonly sagaVersion: number;
  readonly step: string;
  readonly direction: Direction;
  readonly attempt: number;
  /** The participant service that handles it, e.g. `payment-service`. */
  readonly participant: string;
  /** The command's name in that participant, e.g. `ReserveCredit`. */
  readonly command: string;
  readonly payload: JsonObject;
}
