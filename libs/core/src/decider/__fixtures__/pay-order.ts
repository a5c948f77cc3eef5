import { z } from 'zod';
import { defineParticipant } from '../../definition/command-contract';
import { defineSaga } from '../../definition/define-saga';

/** A participant's contract, as the specs of typed command contracts use it. */
export const paymentService = defineParticipant('payment-service', {
  ReserveCredit: {
    payload: z.object({ orderId: z.string().min(1), amount: z.number().positive() }),
    reply: z.object({ creditAvailable: z.number() }),
    compensation: 'ReleaseCredit',
  },
  ReleaseCredit: {
    payload: z.object({ orderId: z.string().min(1) }),
    reply: z.object({ released: z.number() }),
  },
  CapturePayment: {
    payload: z.object({ orderId: z.string().min(1), amount: z.number().positive() }),
    reply: z.object({ paymentId: z.string() }),
  },
});

/**
 * A saga on that contract. Its input is looser than the payloads (any amount, any order
 * id), so a start can build a payload that breaks the contract.
 */
export const payOrder = defineSaga('pay-order', {
  version: 1,
  input: z.object({ orderId: z.string(), amount: z.number(), releaseRef: z.string() }),
})
  .step('reserve-credit', (s) =>
    s
      .invoke(paymentService.ReserveCredit, (d) => ({ orderId: d.orderId, amount: d.amount }))
      .compensate(paymentService.ReleaseCredit, (d) => ({ orderId: d.releaseRef }))
      .onReply((reply) => ({ creditAvailable: reply.creditAvailable })),
  )
  .pivot('capture', (s) =>
    s.invoke(paymentService.CapturePayment, (d) => ({ orderId: d.orderId, amount: d.amount })),
  )
  .build();

/** A valid start input of {@link payOrder}. */
export const PAY_ORDER_INPUT = { orderId: 'o-1', amount: 40, releaseRef: 'o-1' };
