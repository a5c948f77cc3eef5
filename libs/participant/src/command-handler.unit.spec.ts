import {
  BusinessError,
  defineParticipant,
  InvalidArgumentError,
  type Logger,
  noopLogger,
} from '@sagaflow/core';
import { type EntityManager } from 'typeorm';
import { z } from 'zod';

import { type CommandContext } from './command-context';
import {
  commandHandler,
  type CommandHandlers,
  type ContractHandlers,
  implementParticipant,
} from './command-handler';

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

describe('implementParticipant', () => {
  const paymentService = defineParticipant('payment-service', {
    ReserveCredit: {
      payload: z.object({ orderId: z.string(), amount: z.coerce.number().positive() }),
      reply: z.object({ creditAvailable: z.number() }),
      compensation: 'ReleaseCredit',
    },
    ReleaseCredit: {
      payload: z.object({ orderId: z.string() }),
      reply: z.object({ released: z.number() }),
    },
  });
  const handlers: ContractHandlers<typeof paymentService> = {
    ReserveCredit: ({ amount }) => {
      if (amount > 100) throw new BusinessError('CREDIT_LIMIT_EXCEEDED', `${amount} > 100`);
      return { creditAvailable: 100 - amount };
    },
    ReleaseCredit: () => Promise.resolve({ released: 1 }),
  };

  it('gives each command its contract payload schema and its handler', async () => {
    const implemented = implementParticipant(paymentService, handlers);

    expect(Object.keys(implemented)).toEqual(['ReserveCredit', 'ReleaseCredit']);
    const reserve = implemented.ReserveCredit!;
    expect(reserve.schema).toBe(paymentService.ReserveCredit.payload);
    const parsed = reserve.schema.parse({ orderId: 'o-1', amount: '40' });
    await expect(Promise.resolve(reserve.handle(parsed, context))).resolves.toEqual({
      creditAvailable: 60,
    });
    expect(reserve.schema.safeParse({ orderId: 'o-1', amount: -1 }).success).toBe(false);
    await expect(
      Promise.resolve(implemented.ReleaseCredit!.handle({ orderId: 'o-1' }, context)),
    ).resolves.toEqual({ released: 1 });
  });

  it('refuses handlers that are not one function per command of the contract', () => {
    // What a JavaScript caller, or a cast, can pass.
    const partial = { ReserveCredit: handlers.ReserveCredit } as unknown as typeof handlers;
    const extra = { ...handlers, CaptureCredit: () => ({}) } as typeof handlers;
    const expected =
      'implementParticipant: invalid options: handlers=["ReserveCredit"] (expected one function per command of payment-service: ReserveCredit, ReleaseCredit)';
    expect(() => implementParticipant(paymentService, partial)).toThrow(InvalidArgumentError);
    expect(() => implementParticipant(paymentService, partial)).toThrow(expected);
    expect(() => implementParticipant(paymentService, extra)).toThrow(/handlers=\[/);
  });
});
