import { type JsonObject } from '../model/json';
import { type Direction } from '../model/saga-command';

/** What a participant handler of the test kit knows about the command it handles. */
export interface HandlerContext {
  readonly sagaId: string;
  readonly sagaType: string;
  readonly step: string;
  readonly direction: Direction;
  readonly attempt: number;
  /** The command's message id: `<sagaId>.<step>.<f|c>.<attempt>`. */
  readonly messageId: string;
  readonly participant: string;
  readonly command: string;
  /** The test kit's clock when the command is handled. */
  readonly now: Date;
}

/**
 * An in-memory participant's handler of one command. Its outcome becomes the reply:
 * - returns an object (or nothing) → a success reply with that payload (or `{}`);
 * - throws a `BusinessError` → a business failure reply, with the error's `reason` as code;
 * - throws anything else → a technical failure reply (code `HANDLER_ERROR`).
 *
 * Annotate `payload` with the command's shape: the kit passes the payload the step's
 * `invoke` (or `compensate`) built.
 *
 * @example
 * ```ts
 * const reserveCredit: ParticipantHandler = (payload: { amount: number }) => {
 *   if (payload.amount > 100) throw new BusinessError('CREDIT_LIMIT_EXCEEDED', 'over the limit');
 *   return { reservationId: 'r-1' };
 * };
 * ```
 */
// A method signature makes the parameters bivariant, so a handler may narrow `payload`.
export type ParticipantHandler = {
  handle(
    payload: JsonObject,
    context: HandlerContext,
  ): JsonObject | undefined | Promise<JsonObject | undefined>;
}['handle'];

/** The handlers of each participant, by participant name, then command name. */
export type ParticipantHandlers = Readonly<
  Record<string, Readonly<Record<string, ParticipantHandler>>>
>;
