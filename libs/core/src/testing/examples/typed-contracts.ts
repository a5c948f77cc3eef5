import { z } from 'zod';
import { defineParticipant, defineSaga } from '../../index';

/** payment-service's commands, imported by the saga and by the service that implements them. */
export const paymentService = defineParticipant('payment-service', {
  ReserveCredit: {
    payload: z.object({ orderId: z.string(), amount: z.number().positive() }),
    reply: z.object({ creditAvailable: z.number() }),
    compensation: 'ReleaseCredit',
  },
  ReleaseCredit: {
    payload: z.object({ orderId: z.string() }),
    reply: z.object({ released: z.number() }),
  },
});

/** Reserve credit, then record the order with a participant that has no contract. */
export const payOrder = defineSaga('pay-order', {
  version: 1,
  input: z.object({ orderId: z.string(), amount: z.number().positive() }),
})
  .step('reserve-credit', (s) =>
    s
      .invoke(paymentService.ReserveCredit, (d) => ({ orderId: d.orderId, amount: d.amount }))
      .compensate(paymentService.ReleaseCredit, (d) => ({ orderId: d.orderId }))
      .onReply((reply) => ({ creditAvailable: reply.creditAvailable })),
  )
  .pivot('record-order', (s) =>
    s.invoke('ledger-service', 'RecordOrder', (d) => ({
      orderId: d.orderId,
      creditAvailable: d.creditAvailable,
    })),
  )
  .build();
