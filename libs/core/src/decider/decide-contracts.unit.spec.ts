import { z } from 'zod';
import { defineSaga } from '../definition/define-saga';
import { DefinitionError } from '../errors/errors';
import { failureReply, sagaSpec, startInput, successReply } from '../testing/saga-spec';
import { PAY_ORDER_INPUT, paymentService, payOrder } from './__fixtures__/pay-order';

const start = startInput('p-1', PAY_ORDER_INPUT);
const credit = { sagaId: 'p-1', step: 'reserve-credit' };
const capture = { sagaId: 'p-1', step: 'capture' };

describe('decide: payloads are checked against their command contract', () => {
  it('dispatches the payload its builder built when the contract accepts it', () => {
    sagaSpec(payOrder)
      .givenNothing()
      .when(start)
      .then({
        status: 'RUNNING',
        commands: [
          expect.objectContaining({
            participant: 'payment-service',
            command: 'ReserveCredit',
            payload: { orderId: 'o-1', amount: 40 },
          }),
        ],
      });
  });

  it('refuses a payload that breaks the contract with a DefinitionError naming the step, command and issues', () => {
    const error = sagaSpec(payOrder)
      .givenNothing()
      .when(startInput('p-2', { ...PAY_ORDER_INPUT, orderId: '', amount: -5 }))
      .thenThrows(
        DefinitionError,
        /^saga 'pay-order' v1 step 'reserve-credit': the payload builder built a payload that breaks the contract of payment-service ReserveCredit: orderId: .+; amount: .+$/,
      );
    expect(error.context).toMatchObject({
      sagaId: 'p-2',
      sagaType: 'pay-order',
      step: 'reserve-credit',
      participant: 'payment-service',
      command: 'ReserveCredit',
      issues: [expect.stringMatching(/^orderId: /), expect.stringMatching(/^amount: /)],
    });
    expect(error.retryable).toBe(false);
  });

  it('checks compensation payloads too', () => {
    sagaSpec(payOrder)
      .givenInputs([
        startInput('p-1', { ...PAY_ORDER_INPUT, releaseRef: '' }),
        successReply(credit, { creditAvailable: 60 }),
      ])
      .when(failureReply(capture, 'business'))
      .thenThrows(
        DefinitionError,
        /step 'reserve-credit': the compensation payload builder built a payload that breaks the contract of payment-service ReleaseCredit: orderId: /,
      );
  });
});

describe('decide: replies are checked against their command contract', () => {
  it('merges what .onReply(map) makes of a reply the contract accepts', () => {
    sagaSpec(payOrder)
      .givenInputs([start])
      .when(successReply(credit, { creditAvailable: 60 }))
      .then({
        eventTypes: ['StepSucceeded', 'CommandDispatched'],
        data: { ...PAY_ORDER_INPUT, creditAvailable: 60 },
      });
  });

  it('counts a reply the contract rejects as an invalid reply', () => {
    sagaSpec(payOrder)
      .givenInputs([start])
      .when(successReply(credit, { creditAvailable: 'plenty' }))
      .then({
        state: {
          steps: {
            'reserve-credit': {
              status: 'FAILED',
              lastFailure: {
                kind: 'invalid-reply',
                code: 'INVALID_REPLY',
                message: expect.stringMatching(/^creditAvailable: /) as unknown,
              },
            },
          },
        },
      });
  });

  it('checks the reply of a step without .onReply, and merges nothing', () => {
    const given = sagaSpec(payOrder).givenInputs([
      start,
      successReply(credit, { creditAvailable: 60 }),
    ]);
    given.when(successReply(capture, { paymentId: 'pay-1' })).then({
      status: 'COMPLETED',
      data: { ...PAY_ORDER_INPUT, creditAvailable: 60 },
    });
    given.when(successReply(capture, {})).then({
      state: { steps: { capture: { status: 'FAILED', lastFailure: { kind: 'invalid-reply' } } } },
    });
  });

  it('lets .onReply(schema, map) replace the contract reply schema', () => {
    const looser = defineSaga('looser', { version: 1, input: z.object({ orderId: z.string() }) })
      .step('reserve-credit', (s) =>
        s
          .invoke(paymentService.ReserveCredit, (d) => ({ orderId: d.orderId, amount: 1 }))
          .compensate(paymentService.ReleaseCredit, (d) => ({ orderId: d.orderId }))
          .onReply(z.object({ note: z.string() }), (reply) => ({ note: reply.note })),
      )
      .build();
    sagaSpec(looser)
      .givenInputs([startInput('l-1', { orderId: 'o-1' })])
      .when(successReply({ sagaId: 'l-1', step: 'reserve-credit' }, { note: 'held' }))
      .then({ status: 'COMPLETED', data: { orderId: 'o-1', note: 'held' } });
  });
});
