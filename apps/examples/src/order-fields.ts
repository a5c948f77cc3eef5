import { z } from 'zod';

/**
 * The largest amount the services store: their money columns are `DECIMAL(12,2)`, ten
 * digits before the point and two after. A larger one would make the handler fail on
 * `ER_WARN_DATA_OUT_OF_RANGE` at every attempt instead of refusing the order.
 */
export const MAX_AMOUNT = 9_999_999_999.99;

/** The most units one order may ask for. */
export const MAX_QUANTITY = 1000;

/** An order, customer or SKU id: the services' `VARCHAR(64)` keys. */
const idSchema = z.string().min(1).max(64);

/**
 * The fields an order carries, as the place-order saga's input and the services' command
 * payloads validate them: the saga refuses a bad order before it starts (the orchestrator
 * answers 400 with the issues), and a service answers a bad command with the business
 * failure `INVALID_PAYLOAD` instead of retrying a write the database refuses.
 *
 * - `amount`: positive, at most {@link MAX_AMOUNT}, at most two decimals (cents: `0.001`
 *   would be stored as `0.00`);
 * - `quantity`: an integer from 1 to {@link MAX_QUANTITY};
 * - ids: 1 to 64 characters.
 *
 * @example
 * ```ts
 * z.object({ orderId: orderFields.orderId, amount: orderFields.amount }).parse(payload);
 * ```
 */
export const orderFields = {
  orderId: idSchema,
  customerId: idSchema,
  sku: idSchema,
  quantity: z
    .number()
    .int('must be a whole number of units')
    .min(1, 'must be at least 1')
    .max(MAX_QUANTITY, `must be at most ${MAX_QUANTITY}`),
  // `abort`: an amount out of range gets that one issue, not a misleading decimals one too.
  amount: z
    .number()
    .positive({ message: 'must be positive', abort: true })
    .max(MAX_AMOUNT, { message: `must be at most ${MAX_AMOUNT.toFixed(2)}`, abort: true })
    .multipleOf(0.01, 'must have at most two decimals'),
} as const;
