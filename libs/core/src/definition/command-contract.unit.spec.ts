import { z } from 'zod';
import { PAY_ORDER_INPUT, paymentService, payOrder } from '../decider/__fixtures__/pay-order';
import { BusinessError, DefinitionError } from '../errors/errors';
import { payOrder as readmeExample } from '../testing/examples/typed-contracts';
import { createSagaTestKit } from '../testing/saga-test-kit';
import { defineParticipant, type CommandSpec } from './command-contract';
import { defineSaga } from './define-saga';

const input = z.object({ orderId: z.string() });

describe('defineParticipant', () => {
  it('gives each command its participant, name, schemas and compensation, frozen', () => {
    const { ReserveCredit, ReleaseCredit } = paymentService;
    expect(ReserveCredit).toMatchObject({
      participant: 'payment-service',
      command: 'ReserveCredit',
      compensation: 'ReleaseCredit',
    });
    expect(ReserveCredit.payload.safeParse({ orderId: 'o-1', amount: 5 }).success).toBe(true);
    expect(ReserveCredit.reply.safeParse({ creditAvailable: 5 }).success).toBe(true);
    expect(ReleaseCredit.compensation).toBeNull();
    expect(Object.keys(paymentService)).toEqual([
      'ReserveCredit',
      'ReleaseCredit',
      'CapturePayment',
    ]);
    expect(Object.isFrozen(paymentService)).toBe(true);
    expect(Object.isFrozen(ReserveCredit)).toBe(true);
  });

  it('rejects a contract that breaks the rules, naming every problem', () => {
    const payload = z.object({});
    // What a JavaScript caller, or a cast, can pass.
    const commands = {
      'reserve-credit': { payload, reply: payload },
      Hold: { payload: {}, reply: payload, compensation: 'Hold', retries: 3 },
      Release: { payload, reply: 'ok', compensation: 'Nothing' },
    } as unknown as Record<string, CommandSpec>;
    expect(() => defineParticipant('Payment Service', commands)).toThrow(
      new DefinitionError(
        [
          `invalid participant contract "Payment Service": participant name "Payment Service" must match /^[a-z][a-z0-9-]{0,62}$/`,
          'command name "reserve-credit" must match /^[A-Za-z][A-Za-z0-9]{0,62}$/',
          "command 'Hold' has an unknown field 'retries'",
          "command 'Hold': payload must be a zod schema (got {})",
          `command 'Hold': compensation must name another command of the contract (got "Hold")`,
          `command 'Release': reply must be a zod schema (got "ok")`,
          `command 'Release': compensation must name another command of the contract (got "Nothing")`,
        ].join('; '),
      ),
    );
    expect(() => defineParticipant('payment-service', {})).toThrow(
      /the commands must be an object with at least one command \(got \{\}\)/,
    );
  });
});

describe('defineSaga with command contracts', () => {
  it('takes participant, command and schemas from the contract', () => {
    const step = payOrder.steps.get('reserve-credit');
    expect(step).toMatchObject({
      participant: 'payment-service',
      command: 'ReserveCredit',
      payloadSchema: paymentService.ReserveCredit.payload,
      reply: { schema: paymentService.ReserveCredit.reply },
      compensation: {
        participant: 'payment-service',
        command: 'ReleaseCredit',
        payloadSchema: paymentService.ReleaseCredit.payload,
      },
    });
    const capture = payOrder.steps.get('capture');
    expect(capture?.reply?.schema).toBe(paymentService.CapturePayment.reply);
    expect(capture?.reply?.map({ paymentId: 'p-1' }, PAY_ORDER_INPUT)).toEqual({});
  });

  it('keeps the string form: no payload schema, no reply check', () => {
    const byName = defineSaga('by-name', { version: 1, input })
      .step('hold', (s) =>
        s
          .invoke('payment-service', 'ReserveCredit', (d) => ({ orderId: d.orderId }))
          .compensate('payment-service', 'ReleaseCredit', (d) => ({ orderId: d.orderId })),
      )
      .build();
    expect(byName.steps.get('hold')).toMatchObject({
      participant: 'payment-service',
      command: 'ReserveCredit',
      payloadSchema: null,
      reply: null,
      compensation: { payloadSchema: null },
    });
  });

  it('rejects a compensation other than the one the contract declares', () => {
    const build = () =>
      defineSaga('wrong-undo', { version: 1, input })
        .step('reserve-credit', (s) =>
          s
            .invoke(paymentService.ReserveCredit, (d) => ({ orderId: d.orderId, amount: 1 }))
            .compensate(paymentService.CapturePayment, (d) => ({ orderId: d.orderId, amount: 1 })),
        )
        .build();
    expect(build).toThrow(
      "step 'reserve-credit': the contract of payment-service ReserveCredit says it is undone by ReleaseCredit, but the step compensates with payment-service CapturePayment",
    );
  });

  it('rejects .onReply(map) on a step whose command has no contract', () => {
    const build = () =>
      defineSaga('no-contract', { version: 1, input })
        .step('hold', (s) =>
          s
            .invoke('payment-service', 'Hold', (d) => ({ orderId: d.orderId }))
            .readOnly()
            .onReply(() => ({})),
        )
        .build();
    expect(build).toThrow(
      "step 'hold': .onReply(map) takes the reply schema of the invoked command's contract, and the step invokes none: use .onReply(schema, map)",
    );
  });
});

describe('a saga on command contracts in the test kit', () => {
  function participants(limit: number) {
    return {
      'payment-service': {
        ReserveCredit: (p: { amount: number }) => {
          if (p.amount > limit) throw new BusinessError('CREDIT_LIMIT_EXCEEDED', 'over the limit');
          return { creditAvailable: limit - p.amount };
        },
        ReleaseCredit: () => ({ released: 1 }),
        CapturePayment: () => ({ paymentId: 'pay-1' }),
      },
    };
  }

  it('starts by definition, on its version, and runs to the end', async () => {
    const v2 = defineSaga('pay-order', { version: 2, input })
      .pivot('capture', (s) =>
        s.invoke(paymentService.CapturePayment, (d) => ({ orderId: d.orderId, amount: 1 })),
      )
      .build();
    const kit = createSagaTestKit({ definitions: [payOrder, v2], participants: participants(100) });

    const { sagaId } = await kit.start(payOrder, PAY_ORDER_INPUT, { businessKey: 'o-1' });
    await kit.runUntilIdle();

    expect(kit.state(sagaId)).toMatchObject({
      sagaVersion: 1,
      businessKey: 'o-1',
      status: 'COMPLETED',
      data: { ...PAY_ORDER_INPUT, creditAvailable: 60 },
    });
    const latest = await kit.start('pay-order', { orderId: 'o-2' });
    expect(kit.state(latest.sagaId).sagaVersion).toBe(2);
  });

  it("runs the README's example: the reply's patch reaches the next step", async () => {
    const kit = createSagaTestKit({
      definitions: [readmeExample],
      participants: {
        'payment-service': {
          ReserveCredit: () => ({ creditAvailable: 10 }),
          ReleaseCredit: () => ({ released: 1 }),
        },
        'ledger-service': { RecordOrder: () => ({}) },
      },
    });

    const { sagaId } = await kit.start(readmeExample, { orderId: 'o-1', amount: 5 });
    await kit.runUntilIdle();

    expect(kit.state(sagaId).status).toBe('COMPLETED');
    expect(kit.handledCommands({ command: 'RecordOrder' })).toEqual([
      expect.objectContaining({ payload: { orderId: 'o-1', creditAvailable: 10 } }),
    ]);
  });

  it('compensates with the declared command when a later step fails', async () => {
    const kit = createSagaTestKit({ definitions: [payOrder], participants: participants(100) });
    kit.faults('payment-service', 'CapturePayment').failAlways({ kind: 'business' });

    const { sagaId } = await kit.start(payOrder, PAY_ORDER_INPUT);
    await kit.runUntilIdle();

    expect(kit.state(sagaId).status).toBe('COMPENSATED');
    expect(kit.handledCommands({ direction: 'compensation' })).toEqual([
      expect.objectContaining({ command: 'ReleaseCredit', payload: { orderId: 'o-1' } }),
    ]);
  });
});
