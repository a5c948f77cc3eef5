import { createCommandDriver, type CommandDriver } from './__fixtures__/command-driver';
import { type ExampleServiceName } from './config';
import { runService, type RunningService } from './run-service';
import { readInventorySnapshot } from './seed/read-inventory-snapshot';
import { readOrders } from './seed/read-orders';
import { readPaymentsSnapshot } from './seed/read-payments-snapshot';
import { seedCustomers } from './seed/seed-customers';
import { seedStock } from './seed/seed-stock';

let driver: CommandDriver;
const services = new Map<ExampleServiceName, RunningService>();

function running(name: ExampleServiceName): RunningService {
  const service = services.get(name);
  if (service === undefined) throw new Error(`${name} is not running`);
  return service;
}

beforeAll(async () => {
  driver = await createCommandDriver();
  // Seeded before the services' first start: seeding creates and migrates the databases.
  await seedCustomers({ database: driver.database('payment-service') }, [
    { customerId: 'c-rich', creditLimit: 1000 },
    { customerId: 'c-poor', creditLimit: 50.5 },
  ]);
  await seedStock({ database: driver.database('inventory-service') }, [
    { sku: 'sku-many', available: 100 },
    { sku: 'sku-few', available: 1 },
  ]);
  const names: ExampleServiceName[] = ['order-service', 'payment-service', 'inventory-service'];
  await Promise.all(
    names.map(async (name) => {
      services.set(name, await runService(name, driver.env(name), { httpPort: 0 }));
    }),
  );
}, 90_000);

afterAll(async () => {
  await Promise.all([...services.values()].map((s) => s.stop()));
  await driver.cleanup();
}, 60_000);

describe('example services', () => {
  it('serve /health, /ready and /stats', async () => {
    const { url } = running('payment-service');
    const health = await fetch(`${url}/health`);
    const ready = await fetch(`${url}/ready`);
    const stats = await fetch(`${url}/stats`);

    expect(health.status).toBe(200);
    await expect(health.json()).resolves.toEqual({ status: 'ok', service: 'payment-service' });
    expect(ready.status).toBe(200);
    await expect(ready.json()).resolves.toMatchObject({ status: 'ready', ready: true });
    await expect(stats.json()).resolves.toMatchObject({ service: 'payment-service' });
    expect((await fetch(`${url}/nowhere`)).status).toBe(404);
  });

  it('run a place-order saga to its end: order approved, credit and stock held, customer notified once', async () => {
    const sagaId = `s-${driver.suffix}-happy`;
    const orderId = `o-${driver.suffix}-happy`;
    const order = { orderId, customerId: 'c-rich', sku: 'sku-many', quantity: 3, amount: 99.99 };

    await expect(
      driver.call('order-service', {
        sagaId,
        step: 'create-order',
        command: 'CreateOrder',
        payload: order,
      }),
    ).resolves.toMatchObject({ outcome: 'success', payload: { orderId, status: 'PENDING' } });
    await expect(
      driver.call('payment-service', {
        sagaId,
        step: 'reserve-credit',
        command: 'ReserveCredit',
        payload: { orderId, customerId: 'c-rich', amount: 99.99 },
      }),
    ).resolves.toMatchObject({ outcome: 'success', payload: { creditAvailable: 900.01 } });
    await expect(
      driver.call('inventory-service', {
        sagaId,
        step: 'reserve-stock',
        command: 'ReserveStock',
        payload: { orderId, sku: 'sku-many', quantity: 3 },
      }),
    ).resolves.toMatchObject({ outcome: 'success', payload: { available: 97 } });
    await expect(
      driver.call('order-service', {
        sagaId,
        step: 'approve-order',
        command: 'ApproveOrder',
        payload: { orderId },
      }),
    ).resolves.toMatchObject({ outcome: 'success', payload: { status: 'APPROVED' } });
    const notify = {
      sagaId,
      step: 'notify-customer',
      command: 'NotifyCustomer',
      payload: { orderId, customerId: 'c-rich', status: 'APPROVED' },
    };
    await driver.call('order-service', notify);
    await expect(driver.call('order-service', { ...notify, attempt: 2 })).resolves.toMatchObject({
      outcome: 'success',
      payload: { notified: true },
    });

    const orders = await readOrders(running('order-service').dataSource);
    expect(orders.find((o) => o.orderId === orderId)).toMatchObject({
      status: 'APPROVED',
      amount: 99.99,
      quantity: 3,
      notifiedAt: expect.any(String) as unknown,
    });
    const payments = await readPaymentsSnapshot({ database: driver.database('payment-service') });
    expect(payments.customers.find((c) => c.customerId === 'c-rich')).toEqual({
      customerId: 'c-rich',
      creditLimit: 1000,
      creditReserved: 99.99,
    });
    expect(payments.reservations.filter((r) => r.orderId === orderId)).toEqual([
      { orderId, customerId: 'c-rich', amount: 99.99, status: 'HELD' },
    ]);
    const inventory = await readInventorySnapshot(running('inventory-service').dataSource);
    expect(inventory.stock.find((s) => s.sku === 'sku-many')).toEqual({
      sku: 'sku-many',
      available: 97,
      reserved: 3,
    });
  });

  it('refuse credit over the limit and unknown customers, changing nothing, and count the refusals in /metrics', async () => {
    const sagaId = `s-${driver.suffix}-credit`;
    const orderId = `o-${driver.suffix}-credit`;

    const over = await driver.call('payment-service', {
      sagaId,
      step: 'reserve-credit',
      command: 'ReserveCredit',
      payload: { orderId, customerId: 'c-poor', amount: 50.51 },
    });
    const unknown = await driver.call('payment-service', {
      sagaId: `${sagaId}-u`,
      step: 'reserve-credit',
      command: 'ReserveCredit',
      payload: { orderId: `${orderId}-u`, customerId: 'c-nobody', amount: 1 },
    });

    expect(over).toMatchObject({
      outcome: 'failure',
      failure: { kind: 'business', code: 'CREDIT_LIMIT_EXCEEDED' },
    });
    expect(unknown).toMatchObject({
      outcome: 'failure',
      failure: { kind: 'business', code: 'UNKNOWN_CUSTOMER' },
    });
    const payments = await readPaymentsSnapshot(running('payment-service').dataSource);
    expect(payments.customers.find((c) => c.customerId === 'c-poor')?.creditReserved).toBe(0);
    expect(payments.reservations.filter((r) => r.orderId.startsWith(orderId))).toEqual([]);

    // The refusals are counted in the service's Prometheus metrics.
    const metrics = await fetch(`${running('payment-service').url}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await metrics.text();
    const labels = {
      service: 'payment-service',
      participant: 'payment-service',
      message_type: 'ReserveCredit',
    };
    const refused = { ...labels, direction: 'forward', outcome: 'business-failure' };
    expect(seriesValue(text, 'sagaflow_participant_commands_total', refused)).toBeGreaterThan(0);
    for (const code of ['CREDIT_LIMIT_EXCEEDED', 'UNKNOWN_CUSTOMER']) {
      const failure = { ...labels, kind: 'business', code };
      expect(seriesValue(text, 'sagaflow_participant_failures_total', failure)).toBeGreaterThan(0);
    }
    expect(
      seriesValue(text, 'sagaflow_participant_handler_duration_seconds_count', {
        ...labels,
        direction: 'forward',
      }),
    ).toBeGreaterThan(0);
    for (const name of [
      'sagaflow_participant_duplicates_total',
      'sagaflow_participant_dead_letters_total',
      'sagaflow_participant_jobs_lost_total',
      'sagaflow_process_cpu_user_seconds_total',
    ]) {
      expect(text).toContain(`# TYPE ${name} counter`);
    }
    expect(
      (await fetch(`${running('payment-service').url}/metrics`, { method: 'POST' })).status,
    ).toBe(405);
  });

  it('refuse amounts and quantities the tables cannot hold as INVALID_PAYLOAD, at once, changing nothing', async () => {
    const sagaId = `s-${driver.suffix}-bounds`;
    const orderId = `o-${driver.suffix}-bounds`;
    const order = { orderId, customerId: 'c-rich', sku: 'sku-many', quantity: 1, amount: 10 };

    const replies = await Promise.all([
      driver.call('order-service', {
        sagaId,
        step: 'create-order',
        command: 'CreateOrder',
        payload: { ...order, amount: 0.001 },
      }),
      driver.call('payment-service', {
        sagaId,
        step: 'reserve-credit',
        command: 'ReserveCredit',
        payload: { orderId, customerId: 'c-rich', amount: 1e308 },
      }),
      driver.call('inventory-service', {
        sagaId,
        step: 'reserve-stock',
        command: 'ReserveStock',
        payload: { orderId, sku: 'sku-many', quantity: 1001 },
      }),
    ]);

    const issues = [
      'amount: must have at most two decimals',
      'amount: must be at most 9999999999.99',
      'quantity: must be at most 1000',
    ];
    expect(replies).toEqual(
      issues.map((issue): unknown =>
        expect.objectContaining({
          outcome: 'failure',
          failure: expect.objectContaining({
            kind: 'business',
            code: 'INVALID_PAYLOAD',
            message: expect.stringContaining(issue) as unknown,
          }) as unknown,
        }),
      ),
    );
    // Answered on the first run: a business failure is not retried.
    for (const name of ['order-service', 'payment-service', 'inventory-service'] as const) {
      await expect(
        running(name).dataSource.query(
          'SELECT status, attempts FROM event_process WHERE saga_id = ?',
          [sagaId],
        ),
      ).resolves.toEqual([{ status: 'DONE', attempts: 1 }]);
    }
    expect(
      (await readOrders(running('order-service').dataSource)).map((o) => o.orderId),
    ).not.toContain(orderId);
    const payments = await readPaymentsSnapshot(running('payment-service').dataSource);
    expect(payments.reservations.filter((r) => r.orderId === orderId)).toEqual([]);
  });

  it('serve the admin routes of their participant', async () => {
    const { url } = running('inventory-service');

    const deadLetters = await fetch(`${url}/dead-letters?limit=5`);
    const failed = await fetch(`${url}/event-process/failed`);
    const retry = await fetch(`${url}/event-process/failed/inventory-service/m-1/retry`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({}),
    });

    expect(deadLetters.status).toBe(200);
    await expect(deadLetters.json()).resolves.toEqual({ items: [], nextBeforeId: null });
    expect(failed.status).toBe(200);
    await expect(failed.json()).resolves.toEqual({ items: [], nextCursor: null });
    expect(retry.status).toBe(400);
    await expect(retry.json()).resolves.toMatchObject({
      error: {
        code: 'REQUEST_INVALID',
        details: { issues: [expect.stringMatching(/^body\.actor/)] },
      },
    });
  });

  it('compensate: out of stock, then credit released and the order rejected', async () => {
    const sagaId = `s-${driver.suffix}-stock`;
    const orderId = `o-${driver.suffix}-stock`;
    const order = { orderId, customerId: 'c-rich', sku: 'sku-few', quantity: 2, amount: 10 };
    await driver.call('order-service', {
      sagaId,
      step: 'create-order',
      command: 'CreateOrder',
      payload: order,
    });
    await driver.call('payment-service', {
      sagaId,
      step: 'reserve-credit',
      command: 'ReserveCredit',
      payload: { orderId, customerId: 'c-rich', amount: 10 },
    });
    const reservedBefore = (
      await readPaymentsSnapshot(running('payment-service').dataSource)
    ).customers.find((c) => c.customerId === 'c-rich')?.creditReserved;

    await expect(
      driver.call('inventory-service', {
        sagaId,
        step: 'reserve-stock',
        command: 'ReserveStock',
        payload: { orderId, sku: 'sku-few', quantity: 2 },
      }),
    ).resolves.toMatchObject({ outcome: 'failure', failure: { code: 'OUT_OF_STOCK' } });
    await expect(
      driver.call('payment-service', {
        sagaId,
        step: 'reserve-credit',
        command: 'ReleaseCredit',
        direction: 'compensation',
        payload: { orderId },
      }),
    ).resolves.toMatchObject({ outcome: 'success', payload: { released: 10 } });
    await expect(
      driver.call('order-service', {
        sagaId,
        step: 'create-order',
        command: 'RejectOrder',
        direction: 'compensation',
        payload: { orderId },
      }),
    ).resolves.toMatchObject({ outcome: 'success', payload: { status: 'REJECTED' } });

    const payments = await readPaymentsSnapshot(running('payment-service').dataSource);
    expect(payments.customers.find((c) => c.customerId === 'c-rich')?.creditReserved).toBe(
      (reservedBefore ?? 0) - 10,
    );
    expect(payments.reservations.find((r) => r.orderId === orderId)?.status).toBe('RELEASED');
    const inventory = await readInventorySnapshot(running('inventory-service').dataSource);
    expect(inventory.stock.find((s) => s.sku === 'sku-few')).toEqual({
      sku: 'sku-few',
      available: 1,
      reserved: 0,
    });
    const orders = await readOrders(running('order-service').dataSource);
    expect(orders.find((o) => o.orderId === orderId)?.status).toBe('REJECTED');
  });

  it('release stock held for an order once', async () => {
    const sagaId = `s-${driver.suffix}-release`;
    const orderId = `o-${driver.suffix}-release`;
    await driver.call('inventory-service', {
      sagaId,
      step: 'reserve-stock',
      command: 'ReserveStock',
      payload: { orderId, sku: 'sku-many', quantity: 5 },
    });
    const release = {
      sagaId,
      step: 'reserve-stock',
      command: 'ReleaseStock',
      direction: 'compensation',
      payload: { orderId },
    } as const;

    await expect(driver.call('inventory-service', release)).resolves.toMatchObject({
      payload: { released: 5 },
    });
    await expect(
      driver.call('inventory-service', { ...release, attempt: 2 }),
    ).resolves.toMatchObject({ outcome: 'success', payload: { released: 5 } });

    const inventory = await readInventorySnapshot(running('inventory-service').dataSource);
    expect(inventory.reservations.find((r) => r.orderId === orderId)).toMatchObject({
      status: 'RELEASED',
    });
    const sku = inventory.stock.find((s) => s.sku === 'sku-many');
    expect((sku?.available ?? 0) + (sku?.reserved ?? 0)).toBe(100);
  });
});

/**
 * The value of the series `name{labels}` in a Prometheus exposition, whatever the order of
 * its labels; undefined when there is none.
 */
function seriesValue(
  text: string,
  name: string,
  labels: Readonly<Record<string, string>>,
): number | undefined {
  const wanted = Object.entries(labels)
    .map(([key, value]) => `${key}="${value}"`)
    .sort()
    .join(',');
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)\{(.*)\} (\S+)$/.exec(line);
    if (match?.[1] !== name) continue;
    const found = (match[2] ?? '')
      .split(/,(?=[a-zA-Z_]+=")/)
      .sort()
      .join(',');
    if (found === wanted) return Number(match[3]);
  }
  return undefined;
}
