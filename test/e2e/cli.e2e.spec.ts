// The operators' CLI (`apps/cli/dist/main.js`, run as a child process) against the real
// stack: it finds a saga parked in COMPENSATION_FAILED, retries its compensation once the
// cause is gone, follows it to the end, and shows who did what and why in its history.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { type SagaEventEntry, type SagaPage, type SagaView } from '@sagaflow/cli';
import { type SagaEvent } from '@sagaflow/core';
import { PLACE_ORDER, readOrders, readPaymentsSnapshot } from '@sagaflow/examples';
import { tryPort } from '@sagaflow/stack';

import { describeEvent } from './support/describe-event';
import { useStack } from './support/use-stack';
import { waitFor } from './support/wait-for';

const CLI = join(__dirname, '..', '..', 'apps', 'cli', 'dist', 'main.js');
/** Longest a CLI run may take; `watch` runs until the saga ends. */
const CLI_TIMEOUT_MS = 90_000;

const ORDER = {
  orderId: 'o-cli-parked',
  customerId: 'c-cli',
  sku: 'sku-cli-empty',
  quantity: 1,
  amount: 40,
};
const REASON = 'finance lifted the credit hold';
// Finance froze the order's credit: the payment-service's ReleaseCredit (the compensation of
// reserve-credit) cannot release the reservation, so every attempt fails in its transaction.
const FREEZE_CREDIT = `
  CREATE TRIGGER credit_frozen BEFORE UPDATE ON credit_reservations FOR EACH ROW
  IF NEW.order_id = '${ORDER.orderId}' AND NEW.status = 'RELEASED' THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'the credit of order ${ORDER.orderId} is frozen';
  END IF`;

const fixture = useStack(
  // One handler run per command: each compensation attempt fails at once, so the saga
  // parks after the compensation's five attempts and their back-off (about 8 s).
  { env: { 'payment-service': { SAGAFLOW_HANDLER_ATTEMPTS: '1' } } },
  async ({ stack }) => {
    if (!existsSync(CLI)) throw new Error(`not built: ${CLI} — run npx nx run @sagaflow/cli:build`);
    // The stock is empty: reserve-stock fails, reserve-credit and create-order are compensated.
    await stack.seed({
      customers: [{ customerId: ORDER.customerId, creditLimit: 1000 }],
      stock: [{ sku: ORDER.sku, available: 0 }],
    });
  },
);

interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A running `sagaflow`: its result once it exits, and what it printed so far. */
interface CliProcess {
  readonly result: Promise<CliRun>;
  stdout(): string;
}

/** Starts `sagaflow` with the stack's URL and token (or the ones given) in the environment. */
function startSagaflow(
  args: readonly string[],
  env: { readonly url?: string; readonly token?: string } = {},
): CliProcess {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('SAGAFLOW_')),
  );
  const child = spawn(process.execPath, [CLI, ...args], {
    env: {
      ...inherited,
      SAGAFLOW_URL: env.url ?? fixture.stack.url('orchestrator'),
      SAGAFLOW_TOKEN: env.token ?? fixture.stack.apiToken,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const result = new Promise<CliRun>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`sagaflow ${args.join(' ')} ran over ${CLI_TIMEOUT_MS} ms: ${stderr}`));
    }, CLI_TIMEOUT_MS);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
  return { result, stdout: () => stdout };
}

/** Runs `sagaflow` to its end. */
function sagaflow(
  args: readonly string[],
  env: { readonly url?: string; readonly token?: string } = {},
): Promise<CliRun> {
  return startSagaflow(args, env).result;
}

describe('the sagaflow CLI against the stack', () => {
  it('finds a parked saga, retries its compensation, follows it to COMPENSATED and shows who did it and why', async () => {
    const { stack, dbs } = fixture;
    await dbs['payment-service'].query(FREEZE_CREDIT);

    const started = await sagaflow([
      'start',
      PLACE_ORDER,
      '--input',
      JSON.stringify(ORDER),
      '--business-key',
      ORDER.orderId,
      '--json',
    ]);
    expect(started).toMatchObject({ code: 0, stderr: '' });
    const { sagaId, created } = JSON.parse(started.stdout) as { sagaId: string; created: boolean };
    expect(created).toBe(true);
    const parkedView = await stack.api.waitForStatus(
      sagaId,
      ['COMPENSATION_FAILED', 'COMPENSATED', 'COMPLETED'],
      90_000,
    );
    expect(parkedView.status).toBe('COMPENSATION_FAILED');
    const failedAttempts =
      parkedView.steps.find((step) => step.name === 'reserve-credit')?.compensationAttempt ?? 0;
    expect(failedAttempts).toBeGreaterThanOrEqual(5);

    const listed = await sagaflow(['list', '--stuck', '--json']);
    expect(listed).toMatchObject({ code: 0, stderr: '' });
    const parked = (JSON.parse(listed.stdout) as SagaPage).items.find((s) => s.sagaId === sagaId);
    expect(parked).toMatchObject({
      sagaType: PLACE_ORDER,
      businessKey: ORDER.orderId,
      status: 'COMPENSATION_FAILED',
      failureCode: 'OUT_OF_STOCK',
      version: parkedView.version,
    });

    // `watch` prints the history, then the events the action causes as they come, and ends
    // by itself once the saga ended.
    const watching = startSagaflow(['watch', sagaId, '--json']);
    await waitFor(
      () =>
        Promise.resolve(
          watching.stdout().split('\n').length > parkedView.version ? true : undefined,
        ),
      { timeoutMs: 30_000, what: 'watch to print the parked history' },
      () => watching.stdout(),
    );

    await dbs['payment-service'].query('DROP TRIGGER credit_frozen');
    const retried = await sagaflow([
      'retry-compensation',
      sagaId,
      '--reason',
      REASON,
      '--expected-version',
      String(parked?.version),
    ]);
    expect(retried.stderr).toBe('');
    expect(retried.code).toBe(0);
    expect(retried.stdout).toMatch(
      new RegExp(
        `^retry-compensation done on saga ${sagaId}: now COMPENSATING \\(version \\d+\\)\\n$`,
      ),
    );

    const watched = await watching.result;
    expect(watched.code).toBe(0);
    const streamed = watched.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as SagaEventEntry);

    const shown = await sagaflow(['show', sagaId, '--json']);
    expect(shown).toMatchObject({ code: 0, stderr: '' });
    const { saga, events } = JSON.parse(shown.stdout) as {
      saga: SagaView;
      events: SagaEventEntry[];
    };
    expect(saga.status).toBe('COMPENSATED');
    expect(streamed.map((e) => [e.seq, e.type])).toEqual(events.map((e) => [e.seq, e.type]));
    const action = events.findIndex((e) => e.type === 'OperatorActionRecorded');
    expect(events[action]?.event).toMatchObject({
      action: 'retry-compensation',
      step: null,
      actor: 'stack',
      reason: REASON,
    });
    expect(
      events
        .slice(action + 1)
        .filter((e) => e.type !== 'InputIgnored')
        // The CLI's events are the API's JSON: the core's saga events.
        .map((e) => describeEvent(e.event as unknown as SagaEvent)),
    ).toEqual([
      `CommandDispatched reserve-credit compensation #${failedAttempts + 1}`,
      `StepCompensated reserve-credit #${failedAttempts + 1}`,
      'CommandDispatched create-order compensation #1',
      'StepCompensated create-order #1',
      'SagaCompensated',
    ]);

    // The same history for a person: the action with its actor and reason, on one line.
    const readable = await sagaflow(['show', sagaId]);
    expect(readable.code).toBe(0);
    expect(readable.stdout).toMatch(/^status {8}COMPENSATED \(version \d+\)$/m);
    expect(readable.stdout).toMatch(
      new RegExp(
        `^ *${events[action]?.seq} +\\S+ +OperatorActionRecorded +retry-compensation by stack: "${REASON}"$`,
        'm',
      ),
    );

    // The credit is released and the order rejected: the compensations took effect.
    const payments = await readPaymentsSnapshot(stack.databaseTarget('payment-service'));
    expect(payments.reservations.filter((r) => r.orderId === ORDER.orderId)).toEqual([
      expect.objectContaining({ status: 'RELEASED' }),
    ]);
    expect(payments.customers.find((c) => c.customerId === ORDER.customerId)?.creditReserved).toBe(
      0,
    );
    const orders = await readOrders(stack.databaseTarget('order-service'));
    expect(orders.find((o) => o.orderId === ORDER.orderId)?.status).toBe('REJECTED');
  });

  it('says clearly what went wrong: a refused token, an unknown saga, an unreachable orchestrator', async () => {
    const refused = await sagaflow(['list'], { token: 'sf_not-a-token' });
    expect(refused).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error: the token was refused: the API token is not valid\n',
    });

    const unknown = await sagaflow(['show', 'no-such-saga']);
    expect(unknown).toEqual({ code: 1, stdout: '', stderr: "error: no saga 'no-such-saga'\n" });

    const port = await tryPort('127.0.0.1', 0);
    if (port === null) throw new Error('no free port to find nobody listening on');
    const unreachable = await sagaflow(['list'], { url: `http://127.0.0.1:${port}` });
    expect(unreachable.code).toBe(3);
    expect(unreachable.stderr).toBe(
      `error: cannot reach the orchestrator at http://127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}\n`,
    );
  });
});
