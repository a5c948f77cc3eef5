import { z } from 'zod';
import { defineSaga } from '../../definition/define-saga';

/** A small saga with every kind of node: step, group, read-only branch, pivot, retriable. */
export const trip = defineSaga('trip', { version: 2, input: z.object({}) })
  .step('book', (s) =>
    s
      .invoke('hotel', 'Book', () => ({}))
      .compensate('hotel', 'Cancel', () => ({}))
      .timeout(1_000),
  )
  .parallel('pay', (g) =>
    g
      .branch('card', (s) =>
        s.invoke('bank', 'Charge', () => ({})).compensate('bank', 'Refund', () => ({})),
      )
      .branch('check', (s) => s.invoke('risk', 'Check', () => ({})).readOnly()),
  )
  .pivot('confirm', (s) => s.invoke('hotel', 'Confirm', () => ({})).retry({ maxAttempts: 2 }))
  .retriable('mail', (s) => s.invoke('mailer', 'Send', () => ({})).retry({ jitter: 0 }))
  .build();
