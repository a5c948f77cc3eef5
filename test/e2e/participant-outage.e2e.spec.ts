// A participant that does not answer: the inventory-service is killed (SIGKILL) before a
// saga reaches it. The step times out, is retried per its policy (3 attempts), then the saga
// compensates; the service is started again during the compensation, applies what waited
// for it in Kafka (late) and undoes it, and the saga ends COMPENSATED with the stock as it
// was. Separate processes on Kafka, MariaDB and Redis.
import {
  PLACE_ORDER,
  readInventorySnapshot,
  readOrders,
  readPaymentsSnapshot,
} from '@sagaflow/examples';

import { checkStack } from './support/check-stack';
import { describeEvent } from './support/describe-event';
import { countRows } from './support/stack-databases';
import { useStack } from './support/use-stack';
import { waitFor } from './support/wait-for';

/**
 * The step timeout. The forward step gives up after 3 attempts (about 18.6 s); its
 * compensation is tried 5 times (each with this timeout, 0.5–4 s apart), so the saga waits
 * until about 54 s after the kill for the restarted service, which consumes again once Kafka
 * expired its dead member's session (30 s after the kill).
 */
const STEP_TIMEOUT_MS = 6_000;

const fixture = useStack(
  {
    env: {
      orchestrator: {
        SAGAFLOW_PLACE_ORDER_STEP_TIMEOUT_MS: String(STEP_TIMEOUT_MS),
        SAGAFLOW_PLACE_ORDER_MAX_ATTEMPTS: '3',
        SAGAFLOW_PLACE_ORDER_RETRY_DELAY_MS: '200',
      },
    },
  },
  async ({ stack }) => {
    await stack.seed({
      customers: [{ customerId: 'c-out', creditLimit: 1_000 }],
      stock: [{ sku: 'sku-out', available: 10 }],
    });
  },
);

describe('a participant that does not answer', () => {
  it('times out, retries per policy, compensates; the restarted service undoes what it applies late', async () => {
    const { stack, dbs } = fixture;
    await stack.kill('inventory-service', 'SIGKILL');
    expect(stack.isRunning('inventory-service')).toBe(false);
    const input = {
      orderId: 'o-out',
      customerId: 'c-out',
      sku: 'sku-out',
      quantity: 4,
      amount: 250,
    };

    const { sagaId } = await stack.api.startSaga({
      sagaType: PLACE_ORDER,
      input,
      businessKey: input.orderId,
    });
    const history = async () =>
      (await stack.api.getHistory(sagaId)).map((entry) => describeEvent(entry.event));
    const untilCompensating = await waitFor(
      async () => {
        const events = await history();
        return events.some((e) => e.startsWith('CompensationStarted')) ? events : undefined;
      },
      { timeoutMs: 4 * STEP_TIMEOUT_MS + 20_000, what: 'the saga to start compensating' },
      async () => (await history()).join('\n'),
    );
    const expected = [
      'SagaStarted',
      'CommandDispatched create-order forward #1',
      'StepSucceeded create-order #1',
      'CommandDispatched reserve-credit forward #1',
      'StepSucceeded reserve-credit #1',
      'CommandDispatched reserve-stock forward #1',
      'AttemptFailed reserve-stock forward #1 timeout TIMEOUT',
      'RetryScheduled reserve-stock forward #2',
      'CommandDispatched reserve-stock forward #2',
      'AttemptFailed reserve-stock forward #2 timeout TIMEOUT',
      'RetryScheduled reserve-stock forward #3',
      'CommandDispatched reserve-stock forward #3',
      'AttemptFailed reserve-stock forward #3 timeout TIMEOUT',
      'StepFailed reserve-stock TIMEOUT',
      // It timed out: it may have applied, so it is undone too, first.
      'CompensationStarted [reserve-stock, reserve-credit, create-order] awaiting []',
      'CommandDispatched reserve-stock compensation #1',
    ];
    expect(untilCompensating.slice(0, expected.length)).toEqual(expected);
    expect((await stack.api.getSaga(sagaId)).status).toBe('COMPENSATING');

    await stack.restart('inventory-service');
    const saga = await stack.api.waitForStatus(
      sagaId,
      ['COMPENSATED', 'COMPENSATION_FAILED', 'COMPLETED'],
      60_000,
    );
    expect(saga.status).toBe('COMPENSATED');
    const events = await history();
    expect(events.filter((e) => /^Step(Compensated|Succeeded)/.test(e))).toEqual([
      'StepSucceeded create-order #1',
      'StepSucceeded reserve-credit #1',
      expect.stringMatching(/^StepCompensated reserve-stock #\d$/) as unknown as string,
      'StepCompensated reserve-credit #1',
      'StepCompensated create-order #1',
    ]);
    expect(events.at(-1)).toBe('SagaCompensated');

    // Everything the orchestrator sent the inventory-service was received, once each, and
    // processed: the late forward attempts and the compensation attempts.
    const dispatched = (await stack.api.getHistory(sagaId)).filter(
      (e) => e.event.type === 'CommandDispatched' && e.event.participant === 'inventory-service',
    ).length;
    await waitFor(
      async () =>
        (await countRows(
          dbs['inventory-service'],
          'event_process',
          "saga_id = ? AND status = 'DONE'",
          [sagaId],
        )) === dispatched
          ? true
          : undefined,
      {
        timeoutMs: 30_000,
        what: `the inventory-service to process the saga's ${dispatched} commands`,
      },
    );
    const inventory = await readInventorySnapshot(stack.databaseTarget('inventory-service'));
    expect(inventory.stock).toEqual([{ sku: 'sku-out', available: 10, reserved: 0 }]);
    // Applied late (the forward waited in Kafka ahead of its compensations), then undone.
    expect(inventory.reservations).toEqual([
      { orderId: 'o-out', sku: 'sku-out', quantity: 4, status: 'RELEASED' },
    ]);
    const payments = await readPaymentsSnapshot(stack.databaseTarget('payment-service'));
    expect(payments.customers).toEqual([
      { customerId: 'c-out', creditLimit: 1000, creditReserved: 0 },
    ]);
    expect(payments.reservations).toEqual([
      { orderId: 'o-out', customerId: 'c-out', amount: 250, status: 'RELEASED' },
    ]);
    const orders = await readOrders(stack.databaseTarget('order-service'));
    expect(orders.map((o) => [o.orderId, o.status])).toEqual([['o-out', 'REJECTED']]);
    expect((await checkStack(stack, dbs, new Map([['sku-out', 10]]))).failures).toEqual([]);
  });
});
