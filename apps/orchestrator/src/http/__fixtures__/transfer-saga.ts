import { BusinessError, defineSaga } from '@sagaflow/core';
import { type ParticipantHandlers } from '@sagaflow/core/testing';
import { z } from 'zod';

/**
 * A small saga for the API specs: debit (compensated by a refund, 10 s timeout), then credit
 * (the pivot).
 */
export const transferSaga = defineSaga('transfer', {
  version: 1,
  description: 'Moves money from one account to another.',
  input: z.object({ from: z.string(), to: z.string(), amount: z.number().positive() }),
})
  .step('debit', (s) =>
    s
      .invoke('ledger', 'Debit', (d) => ({ account: d.from, amount: d.amount }))
      .compensate('ledger', 'Refund', (d) => ({ account: d.from, amount: d.amount }), {
        retry: { maxAttempts: 1 },
      })
      .timeout(10_000),
  )
  .pivot('credit', (s) =>
    s.invoke('ledger', 'Credit', (d) => ({ account: d.to, amount: d.amount })),
  )
  .build();

/** Credits above this are refused: the saga compensates. */
export const CREDIT_LIMIT = 100;

/** The ledger participant: balances by account. */
export function ledger(): { participants: ParticipantHandlers; balances: Map<string, number> } {
  const balances = new Map<string, number>();
  const add = (account: string, amount: number): void => {
    balances.set(account, (balances.get(account) ?? 0) + amount);
  };
  return {
    balances,
    participants: {
      ledger: {
        Debit: (p: { account: string; amount: number }) => {
          add(p.account, -p.amount);
          return {};
        },
        Refund: (p: { account: string; amount: number }) => {
          add(p.account, p.amount);
          return {};
        },
        Credit: (p: { account: string; amount: number }) => {
          if (p.amount > CREDIT_LIMIT) {
            throw new BusinessError('CREDIT_LIMIT_EXCEEDED', `${p.amount} > ${CREDIT_LIMIT}`);
          }
          add(p.account, p.amount);
          return {};
        },
      },
    },
  };
}
