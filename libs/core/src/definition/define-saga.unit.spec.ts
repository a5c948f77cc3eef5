import { z } from 'zod';
import { ORDER_INPUT, placeOrder } from '../decider/__fixtures__/place-order';
import { DefinitionError } from '../errors/errors';
import { decideAll, startInput, successReply } from '../testing/saga-spec';
import { defineSaga } from './define-saga';
import {
  DEFAULT_COMPENSATION_RETRY_POLICY,
  DEFAULT_RETRIABLE_RETRY_POLICY,
  DEFAULT_RETRY_POLICY,
} from './retry-policy';
import { nodeName, nodeSteps } from './saga-definition';
import { DEFAULT_STEP_TIMEOUT_MS } from './saga-draft';
import { type CompensatableStepBuilder, type ForwardStepBuilder } from './step-builder';

/** True when A and B are assignable to each other. */
type Equal<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** True when T has a property K. */
type HasKey<T, K extends PropertyKey> = K extends keyof T ? true : false;

const input = z.object({ orderId: z.string(), amount: z.number() });

describe('defineSaga: the compiled definition', () => {
  it('keeps the name, version, description, input schema and node order', () => {
    expect(placeOrder.name).toBe('place-order');
    expect(placeOrder.version).toBe(1);
    expect(placeOrder.description).toBe(
      'Create an order, reserve credit and stock, approve it, notify the customer.',
    );
    expect(placeOrder.input.parse(ORDER_INPUT)).toEqual(ORDER_INPUT);
    expect(placeOrder.nodes.map((node) => [node.type, nodeName(node)])).toEqual([
      ['step', 'create-order'],
      ['parallel', 'reserve'],
      ['step', 'approve-order'],
      ['step', 'notify-customer'],
    ]);
    expect(placeOrder.stepOrder).toEqual([
      'create-order',
      'reserve-credit',
      'reserve-stock',
      'approve-order',
      'notify-customer',
    ]);
    expect([...placeOrder.steps.keys()]).toEqual(placeOrder.stepOrder);
    expect(placeOrder.nodes[1] && nodeSteps(placeOrder.nodes[1]).map((step) => step.group)).toEqual(
      ['reserve', 'reserve'],
    );
  });

  it('compiles each step with its kind, commands, policies and defaults', () => {
    const credit = placeOrder.steps.get('reserve-credit');
    const functions = [
      credit?.buildPayload,
      credit?.compensation?.buildPayload,
      credit?.reply?.map,
    ];
    expect(functions.map((fn) => typeof fn)).toEqual(['function', 'function', 'function']);
    expect(credit?.reply?.schema.safeParse({ reservationId: 'r' }).success).toBe(true);
    expect({ ...credit, buildPayload: null, reply: null }).toEqual({
      name: 'reserve-credit',
      kind: 'compensatable',
      participant: 'payment-service',
      command: 'ReserveCredit',
      buildPayload: null,
      payloadSchema: null,
      compensation: {
        participant: 'payment-service',
        command: 'ReleaseCredit',
        buildPayload: credit?.compensation?.buildPayload,
        payloadSchema: null,
        retry: {
          ...DEFAULT_COMPENSATION_RETRY_POLICY,
          maxAttempts: 2,
          initialDelayMs: 1_000,
          jitter: 0,
        },
        timeoutMs: 3_000,
      },
      readOnly: false,
      reply: null,
      retry: { maxAttempts: 3, initialDelayMs: 200, multiplier: 2, maxDelayMs: 5_000, jitter: 0 },
      timeoutMs: 5_000,
      group: 'reserve',
    });
    expect(placeOrder.steps.get('reserve-stock')).toMatchObject({
      compensation: { retry: DEFAULT_COMPENSATION_RETRY_POLICY, timeoutMs: 30_000 },
      reply: null,
      retry: null,
      timeoutMs: 30_000,
    });
    expect(placeOrder.steps.get('approve-order')).toMatchObject({
      kind: 'pivot',
      compensation: null,
      retry: { ...DEFAULT_RETRY_POLICY, maxAttempts: 3, jitter: 0 },
      group: null,
    });
    expect(placeOrder.steps.get('notify-customer')).toMatchObject({
      kind: 'retriable',
      retry: { ...DEFAULT_RETRIABLE_RETRY_POLICY, initialDelayMs: 500, jitter: 0 },
    });
  });

  it('builds payloads from the data and maps replies into patches', () => {
    const createOrder = placeOrder.steps.get('create-order');
    expect(createOrder?.buildPayload({ ...ORDER_INPUT })).toEqual({
      orderId: 'o-1',
      customerId: 'c-1',
    });
    expect(createOrder?.compensation?.buildPayload({ ...ORDER_INPUT })).toEqual({ orderId: 'o-1' });
    expect(createOrder?.reply?.map({ status: 'NEW' }, { ...ORDER_INPUT })).toEqual({
      orderStatus: 'NEW',
    });
  });

  it('defaults a compensation timeout to the step timeout, and accepts an explicit Infinity', () => {
    const definition = defineSaga('defaults', { version: 2, input })
      .step('hold', (s) =>
        s
          .invoke('svc', 'Hold', () => ({}))
          .compensate('svc', 'Release', () => ({}))
          .timeout(700),
      )
      .step('look', (s) => s.invoke('svc', 'Look', () => ({})).readOnly())
      .pivot('commit', (s) => s.invoke('svc', 'Commit', () => ({})))
      .retriable('tell', (s) =>
        s.invoke('svc', 'Tell', () => ({})).retry({ maxAttempts: Infinity }),
      )
      .build();
    expect(definition.description).toBeNull();
    expect(definition.steps.get('hold')?.compensation?.timeoutMs).toBe(700);
    expect(definition.steps.get('look')).toMatchObject({ readOnly: true, compensation: null });
    expect(definition.steps.get('tell')?.retry?.maxAttempts).toBe(Infinity);
  });

  it('gives every step and compensation without a timeout 30 s: none waits forever', () => {
    const definition = defineSaga('no-timeouts', { version: 1, input })
      .step('hold', (s) =>
        s.invoke('svc', 'Hold', () => ({})).compensate('svc', 'Release', () => ({})),
      )
      .parallel('pair', (g) =>
        g
          .branch('left', (s) => s.invoke('svc', 'L', () => ({})).readOnly())
          .branch('right', (s) =>
            s
              .invoke('svc', 'R', () => ({}))
              .compensate('svc', 'UndoR', () => ({}), { timeoutMs: 90_000 }),
          ),
      )
      .pivot('commit', (s) => s.invoke('svc', 'Commit', () => ({})))
      .retriable('tell', (s) => s.invoke('svc', 'Tell', () => ({})).retry({}))
      .build();
    expect(DEFAULT_STEP_TIMEOUT_MS).toBe(30_000);
    expect([...definition.steps.values()].map((step) => [step.name, step.timeoutMs])).toEqual([
      ['hold', 30_000],
      ['left', 30_000],
      ['right', 30_000],
      ['commit', 30_000],
      ['tell', 30_000],
    ]);
    expect(definition.steps.get('hold')?.compensation?.timeoutMs).toBe(30_000);
    expect(definition.steps.get('right')?.compensation?.timeoutMs).toBe(90_000);
  });

  it("applies the saga's defaults.stepTimeoutMs to every step without .timeout(...)", () => {
    const definition = defineSaga('short', {
      version: 1,
      input,
      defaults: { stepTimeoutMs: 2_000 },
    })
      .step('hold', (s) =>
        s.invoke('svc', 'Hold', () => ({})).compensate('svc', 'Release', () => ({})),
      )
      .step('slow', (s) =>
        s
          .invoke('svc', 'Slow', () => ({}))
          .compensate('svc', 'UndoSlow', () => ({}))
          .timeout(60_000),
      )
      .parallel('pair', (g) =>
        g
          .branch('left', (s) => s.invoke('svc', 'L', () => ({})).readOnly())
          .branch('right', (s) => s.invoke('svc', 'R', () => ({})).readOnly()),
      )
      .pivot('commit', (s) => s.invoke('svc', 'Commit', () => ({})))
      .retriable('tell', (s) => s.invoke('svc', 'Tell', () => ({})).retry({}))
      .build();
    expect([...definition.steps.values()].map((step) => [step.name, step.timeoutMs])).toEqual([
      ['hold', 2_000],
      ['slow', 60_000],
      ['left', 2_000],
      ['right', 2_000],
      ['commit', 2_000],
      ['tell', 2_000],
    ]);
    expect(definition.steps.get('hold')?.compensation?.timeoutMs).toBe(2_000);
    expect(definition.steps.get('slow')?.compensation?.timeoutMs).toBe(60_000);
  });

  it('is immutable: a builder can be extended in two ways', () => {
    const base = defineSaga('base', { version: 1, input }).step('a', (s) =>
      s.invoke('svc', 'A', () => ({})).readOnly(),
    );
    const left = base.step('b', (s) => s.invoke('svc', 'B', () => ({})).readOnly()).build();
    const right = base.build();
    expect(left.stepOrder).toEqual(['a', 'b']);
    expect(right.stepOrder).toEqual(['a']);
  });
});

describe('defineSaga: types flow from step to step', () => {
  it('gives later steps the fields earlier replies added, and earlier steps none of them', () => {
    const typed = defineSaga('typed', { version: 1, input })
      .step('create', (s) =>
        s
          .invoke('order-service', 'Create', (d) => {
            // orderStatus only exists after this step's reply.
            const seesStatus: HasKey<typeof d, 'orderStatus'> = false;
            return { orderId: d.orderId, seesStatus };
          })
          .compensate('order-service', 'Reject', (d) => ({ orderId: d.orderId }))
          .onReply(z.object({ status: z.string() }), (reply, data) => ({
            orderStatus: reply.status,
            seen: data.amount,
          })),
      )
      .parallel('reserve', (g) =>
        g
          .branch('credit', (s) =>
            s
              .invoke('payment-service', 'Reserve', (d) => {
                const status: string = d.orderStatus;
                return { status };
              })
              .compensate('payment-service', 'Release', () => ({}))
              .onReply(z.object({ id: z.string() }), (reply) => ({ creditId: reply.id })),
          )
          .branch('stock', (s) =>
            s
              .invoke('inventory-service', 'Reserve', (d) => {
                // A branch does not see the patch of its sibling.
                const seesCredit: HasKey<typeof d, 'creditId'> = false;
                return { orderId: d.orderId, seesCredit };
              })
              .compensate('inventory-service', 'Release', () => ({}))
              .onReply(z.object({ id: z.number() }), (reply) => ({ stockId: reply.id })),
          ),
      )
      .pivot('approve', (s) =>
        s.invoke('order-service', 'Approve', (d) => {
          const ids: [string, number] = [d.creditId, d.stockId];
          return { ids };
        }),
      )
      .build();
    type Data = NonNullable<(typeof typed)['~types']>['data'];
    const exact: Equal<
      Data,
      {
        orderId: string;
        amount: number;
        orderStatus: string;
        seen: number;
        creditId: string;
        stockId: number;
      }
    > = true;
    expect(exact).toBe(true);
    expect(typed.stepOrder).toEqual(['create', 'credit', 'stock', 'approve']);
  });

  it('lets a later patch replace the type of a field, as the merge does at run time', () => {
    const replaced = defineSaga('replaced', { version: 1, input })
      .step('first', (s) =>
        s
          .invoke('svc', 'Do', () => ({}))
          .readOnly()
          .onReply(z.object({}), () => ({ amount: 'rounded' })),
      )
      .build();
    type Data = NonNullable<(typeof replaced)['~types']>['data'];
    const exact: Equal<Data, { orderId: string; amount: string }> = true;
    expect(exact).toBe(true);
    expect(replaced.stepOrder).toEqual(['first']);
  });

  it('offers no compensation on the pivot or a retriable step, and only JSON patches', () => {
    const pivotCompensates: HasKey<ForwardStepBuilder<object>, 'compensate'> = false;
    const retriableReadOnly: HasKey<ForwardStepBuilder<object>, 'readOnly'> = false;
    expect([pivotCompensates, retriableReadOnly]).toEqual([false, false]);
    // What a JavaScript caller could still do: build() rejects it.
    const asCompensatable = (s: ForwardStepBuilder<object>) =>
      s as unknown as CompensatableStepBuilder<object>;
    const builder = defineSaga('limits', { version: 1, input });
    const compensatedPivot = builder.pivot(
      'p',
      (s) =>
        asCompensatable(s.invoke('svc', 'Do', () => ({}))).compensate(
          'svc',
          'Undo',
          () => ({}),
        ) as unknown as typeof s,
    );
    expect(() => compensatedPivot.build()).toThrow(
      "pivot 'p' cannot have a compensation: it is never compensated",
    );
    const readOnlyRetriable = builder
      .pivot('p', (s) => s.invoke('svc', 'Do', () => ({})))
      .retriable(
        'r',
        (s) =>
          asCompensatable(
            s.invoke('svc', 'Do', () => ({})).retry({}),
          ).readOnly() as unknown as typeof s,
      );
    expect(() => readOnlyRetriable.build()).toThrow(
      "retriable step 'r' cannot be read-only: only compensatable steps can",
    );
    const datedPatch = builder
      .step('j', (s) =>
        s
          .invoke('svc', 'Do', () => ({}))
          .readOnly()
          .onReply(
            z.object({}),
            // @ts-expect-error a Date is not JSON
            () => ({ at: new Date(0) }),
          ),
      )
      .build();
    expect(() =>
      decideAll(datedPatch, [
        startInput('l-1', { orderId: 'o', amount: 1 }),
        successReply({ sagaId: 'l-1', step: 'j' }),
      ]),
    ).toThrow(
      new DefinitionError(
        "saga 'limits' v1 step 'j': the reply map must return a JSON object: at is a Date, not JSON",
      ),
    );
  });
});
