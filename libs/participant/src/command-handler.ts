import { type JsonObject } from '@sagaflow/core';
import { type output, type ZodType } from 'zod';

import { type CommandContext } from './command-context';

/**
 * A participant's handler of one command: the schema its payload must match and the
 * function that applies it. The function's result is the success reply's payload; a
 * thrown `BusinessError` becomes a business failure reply (its `reason` is the code); any
 * other error is retried and, when the attempts run out, becomes a technical failure reply.
 */
export interface CommandHandler<TPayload = unknown> {
  /** Validates (and may transform) the command's payload; a mismatch is `INVALID_PAYLOAD`. */
  readonly schema: ZodType<TPayload>;
  // A method signature makes the parameter bivariant, so handlers of different payload
  // types fit one `CommandHandlers` map.
  /** Applies the command inside the transaction of `context.manager`. */
  handle(payload: TPayload, context: CommandContext): Promise<JsonObject> | JsonObject;
}

/** A participant's handlers, by command name (`messageType`), e.g. `ReserveCredit`. */
export type CommandHandlers = Readonly<Record<string, CommandHandler>>;

/**
 * Declares a typed command handler: the payload's type is the schema's output.
 *
 * @example
 * ```ts
 * const reserveCredit = commandHandler(
 *   z.object({ customerId: z.string(), orderId: z.string(), amount: z.number().positive() }),
 *   async ({ customerId, orderId, amount }, { manager }) => {
 *     const customer = await lockCustomer(manager, customerId);
 *     if (customer.creditLimit - customer.creditReserved < amount) {
 *       throw new BusinessError('CREDIT_LIMIT_EXCEEDED', `${customerId} cannot reserve ${amount}`);
 *     }
 *     await reserve(manager, customerId, orderId, amount);
 *     return { reservationId: orderId };
 *   },
 * );
 * ```
 */
export function commandHandler<TSchema extends ZodType>(
  schema: TSchema,
  handle: (payload: output<TSchema>, context: CommandContext) => Promise<JsonObject> | JsonObject,
): CommandHandler<output<TSchema>> {
  return { schema: schema as ZodType<output<TSchema>>, handle };
}
