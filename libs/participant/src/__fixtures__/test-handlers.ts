import { setTimeout as sleep } from 'node:timers/promises';

import { BusinessError } from '@sagaflow/core';
import { z } from 'zod';

import { commandHandler, type CommandHandlers } from '../command-handler';

/** How often each handler ran, by `<messageType>:<sagaId>` (committed or not). */
export type HandlerRuns = Map<string, number>;

const reserveSchema = z.object({
  account: z.string(),
  amount: z.number().int().positive(),
  /** Sleeps this long inside the transaction: widens race windows. */
  delayMs: z.number().int().nonnegative().optional(),
  /** Throws a technical error on the first `failTimes` runs for the saga. */
  failTimes: z.number().int().nonnegative().optional(),
});

/**
 * `Reserve` takes `amount` from the account's balance and records a reservation row
 * (`INSUFFICIENT_FUNDS` when the balance is short — after writing, to prove the rollback);
 * `Release` undoes it; `Explode` always fails with a technical error; `Garble` returns a
 * reply that cannot be encoded (a terminal error).
 */
export function testHandlers(runs: HandlerRuns): CommandHandlers {
  const count = (type: string, sagaId: string): number => {
    const key = `${type}:${sagaId}`;
    const n = (runs.get(key) ?? 0) + 1;
    runs.set(key, n);
    return n;
  };
  return {
    Reserve: commandHandler(reserveSchema, async (payload, ctx) => {
      const run = count('Reserve', ctx.sagaId);
      if (payload.delayMs !== undefined) await sleep(payload.delayMs);
      if (payload.failTimes !== undefined && run <= payload.failTimes) {
        throw new Error(`flaky failure ${run} of ${payload.failTimes}`);
      }
      const [account] = await ctx.manager.query<{ balance: number }[]>(
        'SELECT balance FROM test_account WHERE account = ? FOR UPDATE',
        [payload.account],
      );
      await ctx.manager.query(
        'INSERT INTO test_reservation (saga_id, step, account, amount) VALUES (?, ?, ?, ?)',
        [ctx.sagaId, ctx.step, payload.account, payload.amount],
      );
      await ctx.manager.query('UPDATE test_account SET balance = balance - ? WHERE account = ?', [
        payload.amount,
        payload.account,
      ]);
      if (account === undefined || account.balance < payload.amount) {
        throw new BusinessError(
          'INSUFFICIENT_FUNDS',
          `${payload.account} cannot reserve ${payload.amount}`,
        );
      }
      return {
        reservationId: `${ctx.sagaId}.${ctx.step}`,
        balance: account.balance - payload.amount,
      };
    }),
    Release: commandHandler(z.object({ account: z.string() }), async (payload, ctx) => {
      count('Release', ctx.sagaId);
      const rows = await ctx.manager.query<{ amount: number }[]>(
        'SELECT amount FROM test_reservation WHERE saga_id = ? AND step = ? FOR UPDATE',
        [ctx.sagaId, ctx.step],
      );
      const amount = rows.reduce((sum, row) => sum + row.amount, 0);
      await ctx.manager.query('DELETE FROM test_reservation WHERE saga_id = ? AND step = ?', [
        ctx.sagaId,
        ctx.step,
      ]);
      await ctx.manager.query('UPDATE test_account SET balance = balance + ? WHERE account = ?', [
        amount,
        payload.account,
      ]);
      return { released: amount };
    }),
    // A reply no consumer could decode: encoding it fails with a terminal error.
    Garble: commandHandler(z.object({}), (_payload, ctx) => {
      count('Garble', ctx.sagaId);
      return { value: Number.NaN };
    }),
    Explode: commandHandler(z.object({}), (_payload, ctx) => {
      count('Explode', ctx.sagaId);
      throw new Error('the explosives went off');
    }),
  };
}
