import { checkOptions, type JsonObject, type ParticipantContract } from '@sagaflow/core';
import { type input, type output, type ZodType } from 'zod';

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

/**
 * The handlers of a participant's contract, one per command: each gets the payload its
 * command's payload schema produced and returns its reply schema's input.
 */
export type ContractHandlers<TContract extends ParticipantContract> = {
  readonly [TCommand in keyof TContract]: (
    payload: output<TContract[TCommand]['payload']>,
    context: CommandContext,
  ) => Promise<input<TContract[TCommand]['reply']>> | input<TContract[TCommand]['reply']>;
};

/**
 * Implements a participant's contract (`defineParticipant` of `@sagaflow/core`, the one
 * the saga imports): the compiler checks that there is one handler per command — none
 * missing, none unknown — and that each returns its command's reply; each payload is
 * validated with its command's payload schema at run time, as {@link commandHandler} does
 * (a mismatch is the business failure `INVALID_PAYLOAD`).
 *
 * @throws InvalidArgumentError when `handlers` is not one function per command of the contract
 * (from JavaScript, or past a cast).
 *
 * @example
 * ```ts
 * const handlers = implementParticipant(paymentService, {
 *   ReserveCredit: async ({ orderId, amount }, { manager }) => {
 *     const creditAvailable = await reserve(manager, orderId, amount);
 *     return { creditAvailable };
 *   },
 *   ReleaseCredit: async ({ orderId }, { manager }) => ({ released: await release(manager, orderId) }),
 * });
 * createParticipant({ name: 'payment-service', handlers, ...options });
 * ```
 */
export function implementParticipant<TContract extends ParticipantContract>(
  contract: TContract,
  handlers: NoInfer<ContractHandlers<TContract>>,
): CommandHandlers {
  const commands = Object.keys(contract);
  const given: unknown = handlers;
  const byCommand =
    typeof given === 'object' && given !== null ? (given as Readonly<Record<string, unknown>>) : {};
  const names = Object.keys(byCommand);
  const participant = Object.values(contract)[0]?.participant ?? 'the participant';
  checkOptions('implementParticipant', [
    [
      'handlers',
      names,
      names.length === commands.length &&
        commands.every((command) => typeof byCommand[command] === 'function'),
      `one function per command of ${participant}: ${commands.join(', ')}`,
    ],
  ]);
  return Object.fromEntries(
    Object.entries(contract).map(([command, { payload }]) => [
      command,
      // Checked above to be a function; typed against this command's schemas, whose
      // reply input is the JSON object the participant sends.
      commandHandler(payload, byCommand[command] as CommandHandler['handle']),
    ]),
  );
}
