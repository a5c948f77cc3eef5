// Type tests: the lib's typecheck compiles this file; jest never runs it. Each line after
// `@ts-expect-error` must fail to compile — if it compiled, the unused directive would
// fail the typecheck — so the wrong usages below are proven to be compile errors.
import { defineParticipant } from '@sagaflow/core';
import { z } from 'zod';

import { implementParticipant } from './command-handler';

const paymentService = defineParticipant('payment-service', {
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

/** Compiles: one handler per command, payloads and replies as the contract says. */
export const handlers = implementParticipant(paymentService, {
  ReserveCredit: ({ orderId, amount }, { step }) =>
    Promise.resolve({ creditAvailable: orderId.length + amount + step.length }),
  ReleaseCredit: () => ({ released: 0 }),
});

implementParticipant(paymentService, {
  // @ts-expect-error -- the reply must have `creditAvailable`, a number
  ReserveCredit: () => Promise.resolve({ creditAvailable: 'plenty' }),
  ReleaseCredit: () => ({ released: 0 }),
});

implementParticipant(paymentService, {
  // @ts-expect-error -- the reply lacks `released`
  ReleaseCredit: () => ({}),
  ReserveCredit: () => ({ creditAvailable: 1 }),
});

implementParticipant(paymentService, {
  // @ts-expect-error -- the payload has no `customerId`
  ReserveCredit: ({ customerId }: { customerId: string }) => ({
    creditAvailable: customerId.length,
  }),
  ReleaseCredit: () => ({ released: 0 }),
});

// @ts-expect-error -- ReleaseCredit has no handler
implementParticipant(paymentService, {
  ReserveCredit: () => ({ creditAvailable: 1 }),
});

implementParticipant(paymentService, {
  ReserveCredit: () => ({ creditAvailable: 1 }),
  ReleaseCredit: () => ({ released: 0 }),
  // @ts-expect-error -- CaptureCredit is no command of payment-service
  CaptureCredit: () => ({}),
});
