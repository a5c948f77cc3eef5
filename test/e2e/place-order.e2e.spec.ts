// The place-order saga over the real stack: the orchestrator and the order, payment and
// inventory services run as separate processes (built output) on Kafka, MariaDB and Redis.
// One stack serves the file; each scenario has customers, SKUs and orders of its own.
import { type SagaStatus } from '@sagaflow/core';
import {
  PLACE_ORDER,
  type PlaceOrderInput,
  readInventorySnapshot,
  readOrders,
  readPaymentsSnapshot,
} from '@sagaflow/examples';
import { runSagas, type StackProcessName } from '@sagaflow/stack';

import { produceAgain, readFromBeginning } from './support/command-records';
import { checkStack } from './support/check-stack';
import { describeEvent } from './support/describe-event';
import { metricTotal } from './support/metrics-text';
import { participantStats } from './support/participant-stats';
import { countRows, stackIdle } from './support/stack-databases';
import { useStack } from './support/use-stack';
import { waitFor } from './support/wait-for';

const ENDED: SagaStatus[] = ['COMPLETED', 'COMPENSATED', 'COMPENSATION_FAILED'];
const SERVICES = ['order-service', 'payment-service', 'inventory-service'] as const;

const seeds = {
  customers: [
    { customerId: 'c-happy', creditLimit: 1000 },
    { customerId: 'c-poor', creditLimit: 50 },
    { customerId: 'c-stock', creditLimit: 1000 },
    { customerId: 'c-dup', creditLimit: 10_000 },
    { customerId: 'c-dup-poor', creditLimit: 120 },
  ],
  stock: [
    { sku: 'sku-happy', available: 10 },
    { sku: 'sku-credit', available: 10 },
    { sku: 'sku-one', available: 1 },
    { sku: 'sku-dup', available: 100 },
    { sku: 'sku-dup-few', available: 4 },
  ],
};
const seededStock = new Map(seeds.stock.map((s) => [s.sku, s.available]));

const fixture = useStack({}, async ({ stack }) => {
  await stack.seed(seeds);
});

async function placeOrder(input: PlaceOrderInput): Promise<{ sagaId: string; status: SagaStatus }> {
  const started = await fixture.stack.api.startSaga({
    sagaType: PLACE_ORDER,
    input,
    businessKey: input.orderId,
  });
  expect(started.created).toBe(true);
  const saga = await fixture.stack.api.waitForStatus(started.sagaId, ENDED, 60_000);
  return { sagaId: saga.sagaId, status: saga.status };
}

async function historyOf(sagaId: string): Promise<string[]> {
  const history = await fixture.stack.api.getHistory(sagaId);
  // Complete and ordered: seq 1..n through the API, the same rows in saga_event.
  expect(history.map((entry) => entry.seq)).toEqual(history.map((_, i) => i + 1));
  const rows = await fixture.dbs.orchestrator.query<{ seq: number; type: string }>(
    'SELECT seq, type FROM saga_event WHERE saga_id = ? ORDER BY seq',
    [sagaId],
  );
  expect(rows.map((r) => [r.seq, r.type])).toEqual(history.map((e) => [e.seq, e.type]));
  const [instance] = await fixture.dbs.orchestrator.query<{
    version: number;
    ended_at: Date | null;
  }>('SELECT version, ended_at FROM saga_instance WHERE saga_id = ?', [sagaId]);
  expect(instance?.version).toBe(history.length);
  expect(instance?.ended_at).toBeInstanceOf(Date);
  return history.map((entry) => describeEvent(entry.event));
}

/** The EventProcess records of one saga in one database, as `type STATUS`, sorted. */
async function processed(name: StackProcessName, sagaId: string): Promise<string[]> {
  const rows = await fixture.dbs[name].query<{ message_type: string; status: string }>(
    'SELECT message_type, status FROM event_process WHERE saga_id = ? ORDER BY message_type',
    [sagaId],
  );
  return rows.map((r) => `${r.message_type} ${r.status}`);
}

describe('place-order over Kafka, MariaDB and Redis, services as separate processes', () => {
  it('happy path: order approved, credit and stock held exactly once, saga completed with its whole history', async () => {
    const { stack, dbs } = fixture;
    const input = {
      orderId: 'o-happy',
      customerId: 'c-happy',
      sku: 'sku-happy',
      quantity: 3,
      amount: 123.45,
    };

    const { sagaId, status } = await placeOrder(input);

    expect(status).toBe('COMPLETED');
    await expect(
      stack.api.startSaga({ sagaType: PLACE_ORDER, input, businessKey: input.orderId }),
    ).resolves.toEqual({ sagaId, created: false, status: 'COMPLETED' });
    expect(await historyOf(sagaId)).toEqual([
      'SagaStarted',
      'CommandDispatched create-order forward #1',
      'StepSucceeded create-order #1',
      'CommandDispatched reserve-credit forward #1',
      'StepSucceeded reserve-credit #1',
      'CommandDispatched reserve-stock forward #1',
      'StepSucceeded reserve-stock #1',
      'CommandDispatched approve-order forward #1',
      'StepSucceeded approve-order #1',
      'CommandDispatched notify-customer forward #1',
      'StepSucceeded notify-customer #1',
      'SagaCompleted',
    ]);
    const [instance] = await dbs.orchestrator.query<Record<string, unknown>>(
      'SELECT status, business_key, failure_code FROM saga_instance WHERE saga_id = ?',
      [sagaId],
    );
    expect(instance).toEqual({ status: 'COMPLETED', business_key: 'o-happy', failure_code: null });

    const orders = await readOrders(stack.databaseTarget('order-service'));
    expect(orders.filter((o) => o.orderId === 'o-happy')).toEqual([
      { ...input, status: 'APPROVED', notifiedAt: expect.any(String) as unknown },
    ]);
    const payments = await readPaymentsSnapshot(stack.databaseTarget('payment-service'));
    expect(payments.customers.find((c) => c.customerId === 'c-happy')).toEqual({
      customerId: 'c-happy',
      creditLimit: 1000,
      creditReserved: 123.45,
    });
    expect(payments.reservations.filter((r) => r.customerId === 'c-happy')).toEqual([
      { orderId: 'o-happy', customerId: 'c-happy', amount: 123.45, status: 'HELD' },
    ]);
    const inventory = await readInventorySnapshot(stack.databaseTarget('inventory-service'));
    expect(inventory.stock.find((s) => s.sku === 'sku-happy')).toEqual({
      sku: 'sku-happy',
      available: 7,
      reserved: 3,
    });
    expect(inventory.reservations.filter((r) => r.sku === 'sku-happy')).toEqual([
      { orderId: 'o-happy', sku: 'sku-happy', quantity: 3, status: 'HELD' },
    ]);

    // Each command applied once, each reply applied once.
    expect(await processed('order-service', sagaId)).toEqual([
      'ApproveOrder DONE',
      'CreateOrder DONE',
      'NotifyCustomer DONE',
    ]);
    expect(await processed('payment-service', sagaId)).toEqual(['ReserveCredit DONE']);
    expect(await processed('inventory-service', sagaId)).toEqual(['ReserveStock DONE']);
    expect(await processed('orchestrator', sagaId)).toEqual([
      'ApproveOrder DONE',
      'CreateOrder DONE',
      'NotifyCustomer DONE',
      'ReserveCredit DONE',
      'ReserveStock DONE',
    ]);
  });

  it('credit exceeded: order rejected, no credit held, saga compensated', async () => {
    const { stack, dbs } = fixture;
    const input = {
      orderId: 'o-credit',
      customerId: 'c-poor',
      sku: 'sku-credit',
      quantity: 1,
      amount: 75,
    };

    const { sagaId, status } = await placeOrder(input);

    expect(status).toBe('COMPENSATED');
    expect(await historyOf(sagaId)).toEqual([
      'SagaStarted',
      'CommandDispatched create-order forward #1',
      'StepSucceeded create-order #1',
      'CommandDispatched reserve-credit forward #1',
      'AttemptFailed reserve-credit forward #1 business CREDIT_LIMIT_EXCEEDED',
      'StepFailed reserve-credit CREDIT_LIMIT_EXCEEDED',
      'CompensationStarted [create-order] awaiting []',
      'CommandDispatched create-order compensation #1',
      'StepCompensated create-order #1',
      'SagaCompensated',
    ]);
    const [instance] = await dbs.orchestrator.query<Record<string, unknown>>(
      'SELECT status, failure_code FROM saga_instance WHERE saga_id = ?',
      [sagaId],
    );
    expect(instance).toEqual({ status: 'COMPENSATED', failure_code: 'CREDIT_LIMIT_EXCEEDED' });

    const orders = await readOrders(stack.databaseTarget('order-service'));
    expect(orders.find((o) => o.orderId === 'o-credit')).toMatchObject({
      status: 'REJECTED',
      notifiedAt: null,
    });
    const payments = await readPaymentsSnapshot(stack.databaseTarget('payment-service'));
    expect(payments.customers.find((c) => c.customerId === 'c-poor')?.creditReserved).toBe(0);
    expect(payments.reservations.filter((r) => r.orderId === 'o-credit')).toEqual([]);
    const inventory = await readInventorySnapshot(stack.databaseTarget('inventory-service'));
    expect(inventory.stock.find((s) => s.sku === 'sku-credit')).toMatchObject({
      available: 10,
      reserved: 0,
    });
    expect(inventory.reservations.filter((r) => r.orderId === 'o-credit')).toEqual([]);
    expect(await processed('payment-service', sagaId)).toEqual(['ReserveCredit DONE']);
    expect(await processed('inventory-service', sagaId)).toEqual([]);
  });

  it('out of stock: credit released, order rejected, saga compensated', async () => {
    const { stack } = fixture;
    const input = {
      orderId: 'o-stock',
      customerId: 'c-stock',
      sku: 'sku-one',
      quantity: 2,
      amount: 40,
    };

    const { sagaId, status } = await placeOrder(input);

    expect(status).toBe('COMPENSATED');
    expect(await historyOf(sagaId)).toEqual([
      'SagaStarted',
      'CommandDispatched create-order forward #1',
      'StepSucceeded create-order #1',
      'CommandDispatched reserve-credit forward #1',
      'StepSucceeded reserve-credit #1',
      'CommandDispatched reserve-stock forward #1',
      'AttemptFailed reserve-stock forward #1 business OUT_OF_STOCK',
      'StepFailed reserve-stock OUT_OF_STOCK',
      'CompensationStarted [reserve-credit, create-order] awaiting []',
      'CommandDispatched reserve-credit compensation #1',
      'StepCompensated reserve-credit #1',
      'CommandDispatched create-order compensation #1',
      'StepCompensated create-order #1',
      'SagaCompensated',
    ]);

    const payments = await readPaymentsSnapshot(stack.databaseTarget('payment-service'));
    expect(payments.customers.find((c) => c.customerId === 'c-stock')?.creditReserved).toBe(0);
    expect(payments.reservations.filter((r) => r.orderId === 'o-stock')).toEqual([
      { orderId: 'o-stock', customerId: 'c-stock', amount: 40, status: 'RELEASED' },
    ]);
    const orders = await readOrders(stack.databaseTarget('order-service'));
    expect(orders.find((o) => o.orderId === 'o-stock')?.status).toBe('REJECTED');
    const inventory = await readInventorySnapshot(stack.databaseTarget('inventory-service'));
    expect(inventory.stock.find((s) => s.sku === 'sku-one')).toMatchObject({
      available: 1,
      reserved: 0,
    });
    expect(inventory.reservations.filter((r) => r.orderId === 'o-stock')).toEqual([]);
    expect(await processed('payment-service', sagaId)).toEqual([
      'ReleaseCredit DONE',
      'ReserveCredit DONE',
    ]);
  });

  it('bad amounts and quantities: POST /sagas answers 400 with the reason, and nothing starts', async () => {
    const { stack, dbs } = fixture;
    const base = { customerId: 'c-happy', sku: 'sku-happy', quantity: 1, amount: 10 };
    const cases = [
      [{ orderId: 'o-huge', amount: 1e308 }, 'amount: must be at most 9999999999.99'],
      [{ orderId: 'o-mill', amount: 0.001 }, 'amount: must have at most two decimals'],
      [{ orderId: 'o-many', quantity: 1001 }, 'quantity: must be at most 1000'],
    ] as const;

    for (const [bad, issue] of cases) {
      const input = { ...base, ...bad };
      const response = await fetch(`${stack.api.baseUrl}/sagas`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.apiToken}` },
        body: JSON.stringify({ sagaType: PLACE_ORDER, input, businessKey: input.orderId }),
      });

      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        error: {
          code: 'INPUT_INVALID',
          message: expect.stringContaining(issue) as unknown,
          details: { issues: [issue] },
        },
      });
    }
    const started = await dbs.orchestrator.query<{ n: number | string }>(
      `SELECT COUNT(*) AS n FROM saga_instance WHERE business_key IN ('o-huge', 'o-mill', 'o-many')`,
    );
    expect(Number(started[0]?.n)).toBe(0);
  });

  it('every command and reply published twice more: balances, stock and streams as if each arrived once, the duplicates counted', async () => {
    const { stack, dbs } = fixture;
    const orders: PlaceOrderInput[] = [
      ...Array.from({ length: 8 }, (_, i) => ({
        orderId: `o-dup-${i}`,
        customerId: 'c-dup',
        sku: 'sku-dup',
        quantity: 1 + (i % 3),
        amount: 10 + i * 7.25,
      })),
      // 120 of credit for three orders of 50: one exceeds the limit.
      ...[0, 1, 2].map((i) => ({
        orderId: `o-dup-poor-${i}`,
        customerId: 'c-dup-poor',
        sku: 'sku-dup',
        quantity: 1,
        amount: 50,
      })),
      // 4 units for three orders of 2: one finds the SKU out of stock.
      ...[0, 1, 2].map((i) => ({
        orderId: `o-dup-few-${i}`,
        customerId: 'c-dup',
        sku: 'sku-dup-few',
        quantity: 2,
        amount: 5,
      })),
    ];
    const run = await runSagas({
      api: stack.api,
      orders,
      concurrency: 8,
      statuses: (ids) => dbs.orchestrator.sagaStatuses(ids),
      drainTimeoutMs: 60_000,
    });
    expect(run.stillRunning).toEqual([]);
    await waitFor(async () => ((await stackIdle(dbs)) ? true : undefined), {
      timeoutMs: 30_000,
      what: 'every EventProcess record DONE and every outbox row published',
    });
    const outcomes = (await dbs.orchestrator.placeOrderOutcomes()).filter((o) =>
      run.sagaIds.includes(o.sagaId),
    );
    expect(
      outcomes
        .filter((o) => o.status === 'COMPENSATED')
        .map((o) => o.failureCode)
        .sort(),
    ).toEqual(['CREDIT_LIMIT_EXCEEDED', 'OUT_OF_STOCK']);

    const state = async () => ({
      payments: await readPaymentsSnapshot(stack.databaseTarget('payment-service')),
      inventory: await readInventorySnapshot(stack.databaseTarget('inventory-service')),
      orders: await readOrders(stack.databaseTarget('order-service')),
      rows: Object.fromEntries(
        await Promise.all(
          (['orchestrator', ...SERVICES] as const).flatMap((name) =>
            ['event_process', 'outbox', 'dead_letter'].map(
              async (table) => [`${name}.${table}`, await countRows(dbs[name], table)] as const,
            ),
          ),
        ),
      ),
      events: await countRows(dbs.orchestrator, 'saga_event'),
    });
    const before = await state();
    const statsBefore = await Promise.all(SERVICES.map((name) => participantStats(stack, name)));
    const topics = Object.fromEntries(
      await Promise.all(
        SERVICES.map(
          async (name) =>
            [
              `${stack.layout.topicPrefix}${name}.commands`,
              await countRows(dbs[name], 'event_process'),
            ] as const,
        ),
      ),
    );

    // The replies too: every reply the orchestrator consumed, published twice more.
    const repliesTopic = `${stack.layout.topicPrefix}saga.replies`;
    topics[repliesTopic] = await countRows(dbs.orchestrator, 'event_process');
    const orchestratorDuplicatesBefore = metricTotal(
      await (await fetch(`${stack.url('orchestrator')}/metrics`)).text(),
      'sagaflow_duplicates_discarded_total',
    );

    const records = await readFromBeginning(stack, topics);
    await produceAgain(stack, records, 2);
    const repliesAgain = records.filter((r) => r.topic === repliesTopic).length * 2;
    expect(repliesAgain).toBeGreaterThan(0);

    const published = SERVICES.map(
      (name) =>
        records.filter((r) => r.topic === `${stack.layout.topicPrefix}${name}.commands`).length * 2,
    );
    await waitFor(
      async () => {
        const text = await (await fetch(`${stack.url('orchestrator')}/metrics`)).text();
        const counted =
          metricTotal(text, 'sagaflow_duplicates_discarded_total') - orchestratorDuplicatesBefore;
        return counted >= repliesAgain ? counted : undefined;
      },
      { timeoutMs: 60_000, what: 'every re-published reply discarded by the orchestrator' },
    );
    expect(published.every((n) => n > 0)).toBe(true);
    await waitFor(
      async () => {
        const stats = await Promise.all(SERVICES.map((name) => participantStats(stack, name)));
        const counted = stats.map((s, i) => s.redelivered - (statsBefore[i]?.redelivered ?? 0));
        return counted.every((n, i) => n >= (published[i] ?? 0)) ? counted : undefined;
      },
      { timeoutMs: 60_000, what: 'every duplicate counted by its service' },
      async () =>
        JSON.stringify(
          (await Promise.all(SERVICES.map((name) => participantStats(stack, name)))).map(
            (s, i) =>
              `${SERVICES[i]}: ${s.redelivered - (statsBefore[i]?.redelivered ?? 0)}/${published[i]}`,
          ),
        ),
    );
    await waitFor(async () => ((await stackIdle(dbs)) ? true : undefined), {
      timeoutMs: 30_000,
      what: 'the stack idle again',
    });

    const statsAfter = await Promise.all(SERVICES.map((name) => participantStats(stack, name)));
    expect(statsAfter.map((s, i) => s.redelivered - (statsBefore[i]?.redelivered ?? 0))).toEqual(
      published,
    );
    expect(statsAfter.map((s) => s.applied)).toEqual(statsBefore.map((s) => s.applied));
    expect(statsAfter.map((s) => s.handled)).toEqual(statsBefore.map((s) => s.handled));
    expect(await state()).toEqual(before);
    const report = await checkStack(stack, dbs, seededStock);
    expect(report.failures).toEqual([]);
  });
});
