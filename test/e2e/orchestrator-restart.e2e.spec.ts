// Fast restart: the orchestrator killed with SIGKILL and started again answers GET /health
// within 2 s, takes a new saga at once (POST /sagas needs MySQL only), and that saga — and
// one the killed process left in flight — completes once the restarted replies consumer is
// back in its group (Kafka first expires the dead member's session, 10 s by default).
// Separate processes from the built output, on Kafka, MariaDB and Redis.
import { type SagaStatus } from '@sagaflow/core';
import { PLACE_ORDER, type PlaceOrderInput } from '@sagaflow/examples';
import { type StartedSaga } from '@sagaflow/stack';

import { logLines } from './support/log-lines';
import { useStack } from './support/use-stack';
import { waitFor } from './support/wait-for';

const ENDED: SagaStatus[] = ['COMPLETED', 'COMPENSATED', 'COMPENSATION_FAILED'];

const fixture = useStack({}, async ({ stack }) => {
  await stack.seed({
    customers: [{ customerId: 'c-restart', creditLimit: 10_000 }],
    stock: [{ sku: 'sku-restart', available: 100 }],
  });
});

const order = (orderId: string): PlaceOrderInput => ({
  orderId,
  customerId: 'c-restart',
  sku: 'sku-restart',
  quantity: 1,
  amount: 25,
});

/** The status of `GET <path>`, or null when nothing answers (not listening yet). */
async function statusOf(url: string): Promise<number | null> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return null;
  }
}

/**
 * `POST /sagas`, as a client does it: a 503 or 429 answer is tried again after its
 * `Retry-After`. Resolves with the started saga and how many refusals came first.
 */
async function startSaga(
  baseUrl: string,
  token: string,
  input: PlaceOrderInput,
): Promise<{ started: StartedSaga; refusals: string[] }> {
  const refusals: string[] = [];
  for (;;) {
    const response = await fetch(`${baseUrl}/sagas`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ sagaType: PLACE_ORDER, input, businessKey: input.orderId }),
      signal: AbortSignal.timeout(10_000),
    });
    const body = (await response.json()) as StartedSaga & { error?: { code: string } };
    if (response.status === 201) return { started: body, refusals };
    const retryAfter = Number(response.headers.get('retry-after'));
    if ((response.status !== 503 && response.status !== 429) || !(retryAfter > 0)) {
      throw new Error(`POST /sagas answered ${response.status}: ${JSON.stringify(body)}`);
    }
    refusals.push(`${response.status} ${body.error?.code ?? ''}`);
    if (refusals.length > 20) throw new Error(`POST /sagas refused 20 times: ${refusals.join()}`);
    await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000));
  }
}

describe('the orchestrator started again after SIGKILL', () => {
  it('answers /health within 2 s, starts a saga at once, and the saga completes', async () => {
    const { stack } = fixture;
    const base = stack.url('orchestrator');
    // A completed saga first: the consumer is a member of its group, with offsets committed.
    const before = await stack.api.startSaga({
      sagaType: PLACE_ORDER,
      input: order('o-restart-1'),
      businessKey: 'o-restart-1',
    });
    await stack.api.waitForStatus(before.sagaId, ['COMPLETED'], 60_000);
    // And one in flight at the kill: its replies wait in Kafka for the next process.
    const inFlight = await stack.api.startSaga({
      sagaType: PLACE_ORDER,
      input: order('o-restart-2'),
      businessKey: 'o-restart-2',
    });

    await stack.kill('orchestrator', 'SIGKILL');
    const restartedAt = Date.now();
    // Resolves once GET /ready answers 200: the consumer is back in its group.
    const ready = stack.restart('orchestrator').then(() => Date.now() - restartedAt);
    // Awaited below; handled now so that a failure meanwhile is not an unhandled rejection.
    void ready.catch(() => undefined);

    const healthMs = await waitFor(
      async () =>
        (await statusOf(`${base}/health`)) === 200 ? Date.now() - restartedAt : undefined,
      { timeoutMs: 15_000, intervalMs: 25, what: 'GET /health to answer 200' },
      () => stack.logTail('orchestrator', 10),
    );
    expect(healthMs).toBeLessThan(2000);

    const { started, refusals } = await startSaga(base, stack.apiToken, order('o-restart-3'));
    const startedMs = Date.now() - restartedAt;
    expect(started.created).toBe(true);
    // At most the second or so while the event store opens.
    expect(refusals.every((refusal) => refusal === '503 SERVICE_STARTING')).toBe(true);
    expect(startedMs).toBeLessThan(5000);

    // Ready (consuming replies) once Kafka dropped the killed member: seconds, not 19–42 s.
    const readyMs = await ready;
    expect(readyMs).toBeLessThan(25_000);
    const saga = await stack.api.waitForStatus(started.sagaId, ENDED, 60_000);
    expect(saga.status).toBe('COMPLETED');
    const resumed = await stack.api.waitForStatus(inFlight.sagaId, ENDED, 60_000);
    expect(resumed.status).toBe('COMPLETED');

    // The second process's start-up, as it logged it (times from its own spawn).
    const since = (message: string): number[] =>
      logLines(stack, 'orchestrator', message).map((line) => Number(line.sinceProcessStartMs));
    const listening = since('http listening');
    expect(listening).toHaveLength(2);
    expect(listening[1]).toBeLessThan(2000);
    const consuming = since('replies consumer running');
    expect(consuming).toHaveLength(2);
    // Kafka drops the killed member after its 10 s session, not the 30 s it used to take.
    expect(consuming[1]).toBeLessThan(20_000);
    // What a chaos harness reads as restart-to-first-decision.
    const firstReplyDecisions = logLines(stack, 'orchestrator', 'first decision').filter(
      (line) => line.input === 'reply',
    );
    expect(firstReplyDecisions).toHaveLength(2);
    expect(Number(firstReplyDecisions[1]?.sinceProcessStartMs)).toBeGreaterThan(0);
  });
});
