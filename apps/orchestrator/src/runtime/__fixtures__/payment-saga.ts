import { defineSaga } from '@sagaflow/core';
import { z } from 'zod';

/**
 * How the test participant treats a saga's commands: `ok` answers success, `refuse` makes
 * `Capture` fail for a business reason, `drop-first` ignores the first `Reserve` (it times
 * out and is retried), `hold` keeps the `Capture` reply back until the test sends it.
 */
export const SCENARIOS = ['ok', 'refuse', 'drop-first', 'hold'] as const;
export type Scenario = (typeof SCENARIOS)[number];

/** The participant of {@link paymentSaga}: one command topic for the runtime specs. */
export const PAYMENT_PARTICIPANT = 'wallet';

/**
 * A small two-step saga for the runtime specs and a local run of `main.ts`: reserve funds
 * (compensated by a release; 1.5 s timeout, three attempts), then capture them (the pivot).
 */
export const paymentSaga = defineSaga('payment', {
  version: 1,
  description: 'Reserves an amount in a wallet, then captures it.',
  input: z.object({
    wallet: z.string(),
    amount: z.number().positive(),
    scenario: z.enum(SCENARIOS).default('ok'),
  }),
})
  .step('reserve', (s) =>
    s
      .invoke(PAYMENT_PARTICIPANT, 'Reserve', (d) => ({
        wallet: d.wallet,
        amount: d.amount,
        scenario: d.scenario,
      }))
      .compensate(PAYMENT_PARTICIPANT, 'Release', (d) => ({ wallet: d.wallet, amount: d.amount }))
      .retry({ maxAttempts: 3, initialDelayMs: 100 })
      .timeout(1_500)
      .onReply(z.object({ reservationId: z.string() }), (reply) => ({
        reservationId: reply.reservationId,
      })),
  )
  .pivot('capture', (s) =>
    s.invoke(PAYMENT_PARTICIPANT, 'Capture', (d) => ({
      reservationId: d.reservationId,
      scenario: d.scenario,
    })),
  )
  .build();

/** The module shape `SAGAFLOW_SAGAS_MODULE` must have. */
export const definitions = [paymentSaga];
