// A participant that is alive but does not answer for a while: the payment-service is
// frozen (SIGSTOP) for 50 s while ten sagas need it, then thawed (SIGCONT). Its forward
// attempts time out, the sagas compensate through it, and their compensations time out too
// — none of that is a definitive failure, so no saga parks. Once thawed, the service
// applies what waited for it in Kafka (the credit reservation, once, then its release) and
// its late replies settle the steps: every saga ends COMPENSATED, no credit stays held.
// Separate processes on Kafka, MariaDB and Redis.
import { PLACE_ORDER, readOrders, readPaymentsSnapshot } from '@sagaflow/examples';

import { checkStack } from './support/check-stack';
import { describeEvent } from './support/describe-event';
import { useStack } from './support/use-stack';
import { waitFor } from './support/wait-for';

const STEP_TIMEOUT_MS = 3_000;
const PAUSE_MS = 50_000;
const SAGAS = 10;

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
      customers: [{ customerId: 'c-pause', creditLimit: 100_000 }],
      stock: [{ sku: 'sku-pause', available: 1_000 }],
    });
  },
);

describe('a participant frozen for 50 s', () => {
  it('parks no saga: its late replies settle the steps and every saga ends consistent', async () => {
    const { stack, dbs } = fixture;
    stack.pause('payment-service');
    let paused = true;
    try {
      const started = Date.now();
      const sagaIds: string[] = [];
      for (let index = 0; index < SAGAS; index += 1) {
        const input = {
          orderId: `o-pause-${index}`,
          customerId: 'c-pause',
          sku: 'sku-pause',
          quantity: 1,
          amount: 100,
        };
        const { sagaId } = await stack.api.startSaga({
          sagaType: PLACE_ORDER,
          input,
          businessKey: input.orderId,
        });
        sagaIds.push(sagaId);
      }
      // Every saga gives the credit step up and compensates through the frozen service.
      await waitFor(
        async () => {
          const statuses = await Promise.all(
            sagaIds.map(async (id) => (await stack.api.getSaga(id)).status),
          );
          return statuses.every((status) => status === 'COMPENSATING') ? true : undefined;
        },
        {
          timeoutMs: PAUSE_MS - 5_000,
          what: 'every saga to compensate while the service is frozen',
        },
      );
      await new Promise((resolve) =>
        setTimeout(resolve, Math.max(0, started + PAUSE_MS - Date.now())),
      );
      // Timed-out compensations are retried, not parked: a slow participant is no failure.
      for (const id of sagaIds) expect((await stack.api.getSaga(id)).status).toBe('COMPENSATING');
      stack.resume('payment-service');
      paused = false;

      for (const id of sagaIds) {
        const saga = await stack.api.waitForStatus(
          id,
          ['COMPLETED', 'COMPENSATED', 'COMPENSATION_FAILED'],
          120_000,
        );
        expect(saga.status).toBe('COMPENSATED');
        const events = (await stack.api.getHistory(id)).map((entry) => describeEvent(entry.event));
        expect(events.filter((e) => e.startsWith('CompensationFailed'))).toEqual([]);
        expect(events.filter((e) => e.startsWith('StepCompensated'))).toEqual([
          expect.stringMatching(/^StepCompensated reserve-credit #\d+$/) as unknown as string,
          'StepCompensated create-order #1',
        ]);
      }

      const payments = await readPaymentsSnapshot(stack.databaseTarget('payment-service'));
      expect(payments.customers).toEqual([
        { customerId: 'c-pause', creditLimit: 100_000, creditReserved: 0 },
      ]);
      // Each reservation was applied once, late, and released.
      expect(payments.reservations.map((r) => r.status)).toEqual(
        Array.from({ length: SAGAS }, () => 'RELEASED'),
      );
      const orders = await readOrders(stack.databaseTarget('order-service'));
      expect(orders.map((o) => o.status)).toEqual(Array.from({ length: SAGAS }, () => 'REJECTED'));
      expect((await checkStack(stack, dbs, new Map([['sku-pause', 1_000]]))).failures).toEqual([]);
    } finally {
      if (paused) stack.resume('payment-service');
    }
  });
});
