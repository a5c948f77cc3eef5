// Type tests: the lib's typecheck compiles this file; jest never runs it. Each line after
// `@ts-expect-error` must fail to compile — if it compiled, the unused directive would
// fail the typecheck — so the wrong usages below are proven to be compile errors.
/* eslint-disable @typescript-eslint/no-unsafe-assignment -- a wrong usage is error-typed */
import { z } from 'zod';
import { PAY_ORDER_INPUT, paymentService, payOrder } from '../decider/__fixtures__/pay-order';
import { createSagaTestKit } from '../testing/saga-test-kit';
import { defineParticipant } from './command-contract';
import { defineSaga } from './define-saga';

const input = z.object({ orderId: z.string(), amount: z.number() });

// The commands are the contract's keys.
// @ts-expect-error -- ReserveCash is no command of payment-service
export const unknownCommand = paymentService.ReserveCash;

defineParticipant('payment-service', {
  ReserveCredit: {
    payload: z.object({ orderId: z.string() }),
    reply: z.object({}),
    // @ts-expect-error -- the compensation must be a command of the contract
    compensation: 'ReleaseCash',
  },
});

// Payloads: the builder must return the contract's payload type.
defineSaga('wrong-payloads', { version: 1, input })
  .step('missing-field', (s) =>
    // @ts-expect-error -- the payload lacks `amount`
    s.invoke(paymentService.ReserveCredit, (d) => ({ orderId: d.orderId })).readOnly(),
  )
  .step('wrong-type', (s) =>
    s
      // @ts-expect-error -- `amount` must be a number
      .invoke(paymentService.ReserveCredit, (d) => ({ orderId: d.orderId, amount: 'ten' }))
      .readOnly(),
  )
  .step('wrong-compensation-payload', (s) =>
    s
      .invoke(paymentService.ReserveCredit, (d) => ({ orderId: d.orderId, amount: d.amount }))
      // @ts-expect-error -- `orderId` must be a string
      .compensate(paymentService.ReleaseCredit, (d) => ({ orderId: d.amount })),
  );

// Replies: `.onReply(map)` gets the contract's reply type, and a later step the patch.
defineSaga('replies', { version: 1, input })
  .step('reserve-credit', (s) =>
    s
      .invoke(paymentService.ReserveCredit, (d) => ({ orderId: d.orderId, amount: d.amount }))
      .compensate(paymentService.ReleaseCredit, (d) => ({ orderId: d.orderId }))
      .onReply((reply) => ({ creditAvailable: reply.creditAvailable })),
  )
  .step('wrong-reply-field', (s) =>
    s
      .invoke(paymentService.ReserveCredit, (d) => ({ orderId: d.orderId, amount: d.amount }))
      .compensate(paymentService.ReleaseCredit, (d) => ({ orderId: d.orderId }))
      // @ts-expect-error -- the reply has no `reservationId`
      .onReply((reply) => ({ reservationId: reply.reservationId })),
  )
  .step('no-contract-reply', (s) =>
    s
      .invoke('payment-service', 'ReserveCredit', (d) => ({ orderId: d.orderId }))
      .readOnly()
      // @ts-expect-error -- a command named by strings has no reply type: give a schema
      .onReply((reply) => ({ left: reply.creditAvailable })),
  )
  .pivot('capture', (s) =>
    s.invoke(paymentService.CapturePayment, (d) => ({
      orderId: d.orderId,
      amount: d.creditAvailable,
    })),
  );

// `kit.start(definition, input)` is typed by the definition's input.
const kit = createSagaTestKit({ definitions: [payOrder], participants: {} });
void kit.start(payOrder, PAY_ORDER_INPUT, { businessKey: 'o-1' });
// @ts-expect-error -- the input lacks `releaseRef`
void kit.start(payOrder, { orderId: 'o-1', amount: 50 });
// @ts-expect-error -- `amount` must be a number
void kit.start(payOrder, { ...PAY_ORDER_INPUT, amount: '50' });
// @ts-expect-error -- the definition gives the version
void kit.start(payOrder, PAY_ORDER_INPUT, { version: 2 });
// The name form stays, untyped.
void kit.start('pay-order', { anything: true });
