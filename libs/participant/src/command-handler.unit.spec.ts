import { type Logger, noopLogger } from '@sagaflow/core';
import { type EntityManager } from 'typeorm';
import { z } from 'zod';

import { type CommandContext } from './command-context';
import { commandHandler, type CommandHandlers } from './command-handler';

const context: CommandContext = {
  manager: {} as EntityManager,
  sagaId: 's-1',
  sagaType: 'place-order',
  sagaVersion: 1,
  step: 'reserve-credit',
  direction: 'forward',
  attempt: 1,
  messageId: 's-1.reserve-credit.f.1',
  messageType: 'ReserveCredit',
  logger: noopLogger satisfies Logger,
  now: new Date('2030-01-01T00:00:00Z'),
};

describe('commandHandler', () => {
  it('keeps the schema and types the payload from it', async () => {
    const handler = commandHandler(
      z.object({ customerId: z.string(), amount: z.coerce.number().positive() }),
      (payload, ctx) => ({
        customerId: payload.customerId,
        doubled: payload.amount * 2,
        step: ctx.step,
      }),
    );
    const handlers: CommandHandlers = { ReserveCredit: handler };

    const parsed = handlers.ReserveCredit!.schema.safeParse({ customerId: 'c-1', amount: '21' });
    expect(parsed.success).toBe(true);
    await expect(
      Promise.resolve(handler.handle({ customerId: 'c-1', amount: 21 }, context)),
    ).resolves.toEqual({ customerId: 'c-1', doubled: 42, step: 'reserve-credit' });
    expect(handler.schema.safeParse({ customerId: 'c-1', amount: -1 }).success).toBe(false);
  });
});
