import { type output, type ZodType } from 'zod';
import { SagaBuilder } from './saga-builder';
import { type DefineSagaOptions } from './saga-draft';

/**
 * Starts a saga definition. The saga data starts as the input schema's output; each step's
 * `.onReply(schema, map)` adds its patch to the data that later steps see, with types.
 * Payload builders and reply maps run inside the pure decider: they must be pure.
 *
 * @example
 * ```ts
 * const placeOrder = defineSaga('place-order', {
 *   version: 1,
 *   input: z.object({ orderId: z.string(), amount: z.number().positive() }),
 * })
 *   .step('create-order', (s) => s
 *     .invoke('order-service', 'CreateOrder', (d) => ({ orderId: d.orderId }))
 *     .compensate('order-service', 'RejectOrder', (d) => ({ orderId: d.orderId }))
 *     .onReply(z.object({ status: z.string() }), (reply) => ({ orderStatus: reply.status })))
 *   .pivot('approve-order', (s) => s
 *     .invoke('order-service', 'ApproveOrder', (d) => ({ orderId: d.orderId, was: d.orderStatus })))
 *   .build();
 * ```
 */
export function defineSaga<TSchema extends ZodType<object>>(
  name: string,
  options: DefineSagaOptions<TSchema>,
): SagaBuilder<output<TSchema>, output<TSchema>> {
  return new SagaBuilder<output<TSchema>, output<TSchema>>({ name, options, nodes: [] });
}
