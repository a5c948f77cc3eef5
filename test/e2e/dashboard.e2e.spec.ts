// The web dashboard (apps/dashboard, built) served by the orchestrator under /ui, driven in
// the machine's Chromium (Debian's package, installed with apt when missing) against the
// real stack: signing in with the stack's token, a saga followed live on its page, the
// listing filtered to compensated sagas, an abort sent with a reason and a confirmation, a
// stale confirmation refused, a viewer without actions, a refused token, the 390 px wide
// layout, and a dead letter of the orchestrator replayed from its page; a saga followed live
// on the overview with its charts, a parked saga's compensation retried from its step graph,
// the definitions' graphs, sorting and time ranges in the list's URL, and an orchestrator the
// browser cannot reach. The screenshots in docs/ are taken here.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { PLACE_ORDER, type PlaceOrderInput } from '@sagaflow/examples';
import { createKafka } from '@sagaflow/kafka';
import { MessageHeader } from '@sagaflow/messaging';
import { logLevel } from 'kafkajs';
import { type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';

import { launchChromium } from './support/chromium';
import { useStack } from './support/use-stack';
import { waitFor } from './support/wait-for';

const DASHBOARD_BUILD = join(__dirname, '..', '..', 'apps', 'dashboard', 'dist', 'index.html');
/** Where README's screenshots of the dashboard are kept: refreshed by every run. */
const SCREENSHOTS = join(__dirname, '..', '..', 'docs');
/** How long the page may take to show what the API already says. */
const UI_TIMEOUT_MS = 30_000;

/** A viewer token, given to the orchestrator in a tokens file next to the stack's operator. */
const VIEWER_TOKEN = `sf_${randomBytes(32).toString('base64url')}`;
const tokensDir = mkdtempSync(join(tmpdir(), 'sagaflow-dashboard-e2e-'));

const fixture = useStack(
  () => {
    const tokensFile = join(tokensDir, 'tokens.json');
    const sha256 = createHash('sha256').update(VIEWER_TOKEN).digest('hex');
    writeFileSync(tokensFile, JSON.stringify([{ name: 'ui-viewer', role: 'viewer', sha256 }]));
    return Promise.resolve({
      env: {
        orchestrator: {
          // A step waits long for a frozen participant before it times out: the saga stays
          // RUNNING while the inventory-service is paused.
          SAGAFLOW_PLACE_ORDER_STEP_TIMEOUT_MS: '60000',
          SAGAFLOW_API_TOKENS_FILE: tokensFile,
        },
        // One handler run per command: a compensation that fails in its transaction fails
        // each attempt at once, and the saga parks after its five attempts (about 8 s).
        'payment-service': { SAGAFLOW_HANDLER_ATTEMPTS: '1' },
      },
    });
  },
  async ({ stack }) => {
    if (!existsSync(DASHBOARD_BUILD)) {
      throw new Error(
        `the dashboard is not built (${DASHBOARD_BUILD}): npx nx run @sagaflow/dashboard:build`,
      );
    }
    await stack.seed({
      customers: [
        { customerId: 'c-ui-live', creditLimit: 1000 },
        { customerId: 'c-ui-act', creditLimit: 1000 },
        { customerId: 'c-ui-poor', creditLimit: 10 },
        { customerId: 'c-ui-park', creditLimit: 1000 },
      ],
      stock: [
        { sku: 'sku-ui-live', available: 10 },
        { sku: 'sku-ui-act', available: 10 },
        { sku: 'sku-ui-poor', available: 10 },
        { sku: 'sku-ui-empty', available: 0 },
      ],
    });
  },
);

let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  browser = await launchChromium();
}, 600_000);

afterAll(async () => {
  await browser.close();
  rmSync(tokensDir, { recursive: true, force: true });
});

beforeEach(async () => {
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  page.setDefaultTimeout(UI_TIMEOUT_MS);
});

afterEach(async () => {
  await context.close();
});

function ui(path = '/ui/'): string {
  return `${fixture.stack.url('orchestrator')}${path}`;
}

/**
 * Signs in on the sign-in page and waits for the answer: the header names the caller, or an
 * alert says why not. Until then the token is not kept, so a page loaded sooner would ask
 * for it again.
 */
async function signIn(token = fixture.stack.apiToken): Promise<void> {
  await page.goto(ui());
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('caller').or(page.getByRole('alert')).waitFor();
}

/** Runs `body` with the inventory-service frozen: sagas wait RUNNING at reserve-stock. */
async function withInventoryFrozen(body: () => Promise<void>): Promise<void> {
  fixture.stack.pause('inventory-service');
  try {
    await body();
  } finally {
    // Thawing a thawed process does nothing: `body` may thaw it itself.
    fixture.stack.resume('inventory-service');
  }
}

function actOrder(orderId: string): PlaceOrderInput {
  return { orderId, customerId: 'c-ui-act', sku: 'sku-ui-act', quantity: 1, amount: 10 };
}

async function startOrder(input: PlaceOrderInput): Promise<string> {
  const { sagaId } = await fixture.stack.api.startSaga({
    sagaType: PLACE_ORDER,
    input,
    businessKey: input.orderId,
  });
  return sagaId;
}

/** An attribute of every element `locator` finds, in document order. */
async function attributesOf(locator: Locator, name: string): Promise<(string | null)[]> {
  return Promise.all((await locator.all()).map((element) => element.getAttribute(name)));
}

/** Saves what the page shows as `docs/dashboard-<name>.png`, README's picture of it. */
async function screenshot(
  name: string,
  options: { readonly fullPage?: boolean } = {},
): Promise<void> {
  await page.screenshot({
    path: join(SCREENSHOTS, `dashboard-${name}.png`),
    fullPage: options.fullPage ?? false,
    animations: 'disabled',
  });
}

// The page functions are strings: this test program has no DOM types.
/** True when the page is wider than the window: a horizontal scroll bar. */
function scrollsSideways(): Promise<boolean> {
  return page.evaluate<boolean>(
    'document.documentElement.scrollWidth > document.documentElement.clientWidth',
  );
}

/** What the page keeps: session and local storage values, cookies. */
function storedByPage(): Promise<{ session: string[]; local: string[]; cookie: string }> {
  return page.evaluate<{ session: string[]; local: string[]; cookie: string }>(
    '({ session: Object.values(sessionStorage), local: Object.values(localStorage), cookie: document.cookie })',
  );
}

describe('the dashboard in Chromium, served by the orchestrator under /ui', () => {
  it('signs in with the stack token, keeps it out of the URL and in session storage only', async () => {
    await signIn();

    await page.getByTestId('caller').getByText('stack (operator)').waitFor();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await page.getByTestId('live').getByText('Live').waitFor();
    expect(page.url()).not.toContain(fixture.stack.apiToken);
    expect(await storedByPage()).toEqual({
      session: [fixture.stack.apiToken],
      local: [],
      cookie: '',
    });

    // A reload keeps the session of the tab.
    await page.reload();
    await page.getByTestId('caller').getByText('stack (operator)').waitFor();
  });

  it('shows a refused token plainly, and keeps nothing of it', async () => {
    await signIn('sf_not-a-token-of-this-stack');

    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(
      /^The orchestrator refused the token \(401 UNAUTHENTICATED\): .+\. Sign in again with a valid token\.$/,
    );
    expect(await storedByPage()).toEqual({ session: [], local: [], cookie: '' });
    await page.getByLabel('API token').waitFor();
  });

  it('lists a started saga, and its page follows it live to COMPLETED', async () => {
    const input = {
      orderId: 'o-ui-live',
      customerId: 'c-ui-live',
      sku: 'sku-ui-live',
      quantity: 1,
      amount: 25,
    };
    // The stock step waits for the frozen inventory-service: the saga is RUNNING meanwhile.
    fixture.stack.pause('inventory-service');
    let paused = true;
    try {
      const sagaId = await startOrder(input);
      await signIn();
      await page
        .getByRole('navigation', { name: 'Pages' })
        .getByRole('link', { name: 'Sagas' })
        .click();
      await page.getByLabel('Business key').fill(input.orderId);
      await page.getByRole('button', { name: 'Apply filters' }).click();
      await page.waitForURL(/\/ui\/sagas\?businessKey=o-ui-live$/);
      const row = page.locator(`tr[data-saga-id="${sagaId}"]`);
      await row.getByText('Running').waitFor();

      await row.getByRole('link', { name: sagaId }).click();
      await page.waitForURL(new RegExp(`/ui/sagas/${sagaId}$`));
      await page.getByTestId('saga-status').getByText('Running').waitFor();
      await page.getByTestId('live').getByText('Live').waitFor();
      await page.locator('[data-step="reserve-stock"]').getByText('Running').waitFor();
      // The operator's actions for a running saga are offered.
      await page.getByRole('button', { name: 'abort' }).waitFor();
      // Marks this document: a reload would lose it.
      await page.evaluate('window.notReloaded = true');

      fixture.stack.resume('inventory-service');
      paused = false;

      await page.getByTestId('saga-status').getByText('Completed').waitFor();
      // The timeline, each event with its payload.
      const completed = page.getByTestId('timeline').getByText('SagaCompleted', { exact: true });
      await completed.click();
      await page
        .getByTestId('timeline')
        .locator('pre', { hasText: '"type": "SagaCompleted"' })
        .waitFor();
      for (const step of ['create-order', 'reserve-credit', 'reserve-stock', 'approve-order']) {
        await page.locator(`[data-step="${step}"]`).getByText('Succeeded').waitFor();
      }
      expect(await page.evaluate<unknown>('window.notReloaded')).toBe(true);
      // No action for a completed saga.
      expect(await page.getByRole('heading', { name: 'Actions' }).count()).toBe(0);
      expect((await fixture.stack.api.getSaga(sagaId)).status).toBe('COMPLETED');
    } finally {
      if (paused) fixture.stack.resume('inventory-service');
    }
  });

  it('filters the list to compensated sagas, in the URL, and opens one', async () => {
    const sagaId = await startOrder({
      orderId: 'o-ui-poor',
      customerId: 'c-ui-poor',
      sku: 'sku-ui-poor',
      quantity: 1,
      amount: 500,
    });
    await fixture.stack.api.waitForStatus(sagaId, ['COMPENSATED'], 60_000);

    await signIn();
    await page
      .getByRole('navigation', { name: 'Pages' })
      .getByRole('link', { name: 'Sagas' })
      .click();
    await page.getByRole('group', { name: 'Status' }).getByLabel('Compensated').check();
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/\/ui\/sagas\?status=COMPENSATED$/);

    const row = page.locator(`tr[data-saga-id="${sagaId}"]`);
    await row.waitFor();
    const statuses = await Promise.all(
      (await page.locator('table.sagas tbody [data-status]').all()).map((label) =>
        label.getAttribute('data-status'),
      ),
    );
    expect(statuses.length).toBeGreaterThan(0);
    expect(new Set(statuses)).toEqual(new Set(['COMPENSATED']));
    expect(await row.textContent()).toContain('CREDIT_LIMIT_EXCEEDED');

    // The filtered URL is a view to share: opened as is, it shows the same listing.
    await page.goto(ui('/ui/sagas?status=COMPENSATED'));
    await row.getByRole('link', { name: sagaId }).click();
    await page.getByTestId('saga-status').getByText('Compensated').waitFor();
    await page.getByText('CREDIT_LIMIT_EXCEEDED at reserve-credit').waitFor();
    await page.getByTestId('timeline').getByText('SagaCompensated', { exact: true }).waitFor();
  });

  it('aborts a running saga with a reason after a confirmation, recorded with the token name; a stale confirmation is refused plainly', async () => {
    const reason = 'customer cancelled by phone';
    let aborted = '';
    let stale = '';
    await withInventoryFrozen(async () => {
      aborted = await startOrder(actOrder('o-ui-abort'));
      stale = await startOrder(actOrder('o-ui-stale'));
      await signIn();

      // The abort: action, reason, review, confirm.
      await page.goto(ui(`/ui/sagas/${aborted}`));
      await page.locator('[data-step="reserve-stock"]').getByText('Running').waitFor();
      const version = Number(await page.getByTestId('saga-version').textContent());
      await page.getByRole('button', { name: 'abort' }).click();
      await page.getByLabel('Reason for abort').fill(reason);
      await page.getByRole('button', { name: 'Review' }).click();
      await page.getByText(`as seen at version ${version}, with the reason “${reason}”`).waitFor();
      await page.getByRole('button', { name: 'Confirm abort' }).click();
      const sent = page.getByRole('alert');
      await sent.waitFor();
      expect(await sent.textContent()).toBe(`abort sent with reason “${reason}”.`);
      await page.getByTestId('saga-status').getByText('Compensating').waitFor();

      // A confirmation of a view the saga has moved past since.
      await page.goto(ui(`/ui/sagas/${stale}`));
      await page.locator('[data-step="reserve-stock"]').getByText('Running').waitFor();
      await page.getByRole('button', { name: 'abort' }).click();
      await page.getByLabel('Reason for abort').fill('too late');
      await page.getByRole('button', { name: 'Review' }).click();
      fixture.stack.resume('inventory-service');
      await page.getByTestId('saga-status').getByText('Completed').waitFor();
    });
    await page.getByRole('button', { name: 'Confirm abort' }).click();
    const refusal = page.getByRole('alert');
    await refusal
      .getByText(/^Refused: .+ \(409 (SAGA_VERSION_MOVED|ACTION_NOT_ALLOWED)\)\./)
      .waitFor();
    expect((await fixture.stack.api.getSaga(stale)).status).toBe('COMPLETED');

    // The abort is in the history, with the token's name and the reason, and the page shows it.
    await fixture.stack.api.waitForStatus(aborted, ['COMPENSATED'], 60_000);
    const history = await fixture.stack.api.getHistory(aborted);
    expect(history.map((entry) => entry.event)).toContainEqual(
      expect.objectContaining({
        type: 'OperatorActionRecorded',
        action: 'abort',
        actor: 'stack',
        reason,
      }),
    );
    await page.goto(ui(`/ui/sagas/${aborted}`));
    await page.getByTestId('saga-status').getByText('Compensated').waitFor();
    await page.getByTestId('timeline').getByText('OperatorActionRecorded', { exact: true }).click();
    const payload = page
      .getByTestId('timeline')
      .locator('pre', { hasText: '"type": "OperatorActionRecorded"' });
    await payload.waitFor();
    expect(await payload.textContent()).toContain(`"actor": "stack"`);
    expect(await payload.textContent()).toContain(`"reason": "${reason}"`);
  });

  it('shows a viewer no action buttons', async () => {
    await withInventoryFrozen(async () => {
      const sagaId = await startOrder(actOrder('o-ui-viewer'));
      await signIn(VIEWER_TOKEN);
      await page.getByTestId('caller').getByText('ui-viewer (viewer)').waitFor();

      await page.goto(ui(`/ui/sagas/${sagaId}`));
      await page.locator('[data-step="reserve-stock"]').getByText('Running').waitFor();
      await page.getByTestId('timeline').getByText('SagaStarted', { exact: true }).waitFor();
      expect(await page.getByRole('heading', { name: 'Actions' }).count()).toBe(0);
      expect(await page.getByRole('button', { name: 'abort' }).count()).toBe(0);
      expect(await page.getByRole('button', { name: 'retry-step' }).count()).toBe(0);
    });
  });

  it('shows a started saga complete live on the overview, and counts it in the charts', async () => {
    await signIn();
    await page.getByTestId('live').getByText('Live').waitFor();
    const sagaId = await startOrder({
      orderId: 'o-ui-overview',
      customerId: 'c-ui-live',
      sku: 'sku-ui-live',
      quantity: 1,
      amount: 5,
    });

    // Its row shows its latest event as it moves, until it completes.
    const ofSaga = page.getByTestId('recent-events').locator(`li[data-saga-id="${sagaId}"]`);
    await ofSaga.waitFor();
    await ofSaga.getByText('SagaCompleted').waitFor();
    expect(await ofSaga.count()).toBe(1);
    // Within the hour shown, the charts count it: started and completed, with a duration.
    const rates = page.getByTestId('chart-Sagas per second');
    await rates.getByText(/ [1-9]\d* started, [1-9]\d* completed, /).waitFor();
    await page
      .getByTestId('chart-Saga duration')
      .getByText(/: p50 [\d.]+ ms, p95/)
      .waitFor();
    expect(await rates.locator('canvas').count()).toBeGreaterThan(0);

    // Another window, in the URL.
    await page
      .getByRole('group', { name: 'Chart window' })
      .getByRole('button', { name: '15 minutes' })
      .click();
    await page.waitForURL(/\/ui\/\?window=15$/);
    await rates.getByText(/^Over the last 15 min: [1-9]\d* started/).waitFor();
    await page.getByTestId('count-COMPLETED').waitFor();
    await screenshot('overview', { fullPage: true });
  });

  it('parks a saga whose compensation keeps failing, and retries its compensation from its page with a reason, recorded with the token name', async () => {
    const { stack, dbs } = fixture;
    const order = {
      orderId: 'o-ui-parked',
      customerId: 'c-ui-park',
      sku: 'sku-ui-empty',
      quantity: 1,
      amount: 30,
    };
    const reason = 'credit hold lifted by finance';
    // The stock is empty, so reserve-credit is undone; finance froze that order's credit, so
    // each attempt of ReleaseCredit fails in its transaction until the trigger is dropped.
    await dbs['payment-service'].query(`
      CREATE TRIGGER ui_credit_frozen BEFORE UPDATE ON credit_reservations FOR EACH ROW
      IF NEW.order_id = '${order.orderId}' AND NEW.status = 'RELEASED' THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'the credit of order ${order.orderId} is frozen';
      END IF`);
    let sagaId: string;
    try {
      sagaId = await startOrder(order);
      const parked = await stack.api.waitForStatus(
        sagaId,
        ['COMPENSATION_FAILED', 'COMPENSATED', 'COMPLETED'],
        90_000,
      );
      expect(parked.status).toBe('COMPENSATION_FAILED');

      await signIn();
      // The overview lists it among the stuck and parked sagas, and opens it.
      await page
        .locator('section[aria-labelledby="stuck"]')
        .locator(`tr[data-saga-id="${sagaId}"]`)
        .getByRole('link', { name: sagaId })
        .click();
      await page.getByTestId('saga-status').getByText('Compensation failed (parked)').waitFor();
      // The step graph: where it failed and what was undone, the pivot marked.
      const graph = page.getByTestId('step-graph');
      const credit = graph.locator('[data-step="reserve-credit"]');
      await credit.getByText('Compensation failed (parked)').waitFor();
      expect(await credit.getByTestId('attempts').textContent()).toMatch(
        /compensation attempt [5-9] of 5$/,
      );
      expect(await credit.textContent()).toContain('is frozen');
      await graph.locator('[data-step="reserve-stock"]').getByText('Failed').waitFor();
      await graph.locator('[data-step="create-order"]').getByText('Succeeded').waitFor();
      await graph.locator('[data-step="approve-order"]').getByText('Remaining').waitFor();
      expect(await graph.locator('.node-pivot').getAttribute('data-step')).toBe('approve-order');
      await screenshot('saga-detail', { fullPage: true });

      await dbs['payment-service'].query('DROP TRIGGER ui_credit_frozen');
      await page.getByRole('button', { name: 'retry-compensation' }).click();
      await page.getByLabel('Reason for retry-compensation').fill(reason);
      await page.getByRole('button', { name: 'Review' }).click();
      await page.getByRole('button', { name: 'Confirm retry-compensation' }).click();
      expect(await page.getByRole('alert').textContent()).toBe(
        `retry-compensation sent with reason “${reason}”.`,
      );
      await page.getByTestId('saga-status').getByText('Compensated').waitFor();
      for (const step of ['create-order', 'reserve-credit']) {
        await graph.locator(`[data-step="${step}"]`).getByText('Compensated').waitFor();
      }
    } finally {
      await dbs['payment-service'].query('DROP TRIGGER IF EXISTS ui_credit_frozen');
    }

    // The history records the token's name and the reason, and the page shows it.
    const history = await stack.api.getHistory(sagaId);
    expect(history.map((entry) => entry.event)).toContainEqual(
      expect.objectContaining({
        type: 'OperatorActionRecorded',
        action: 'retry-compensation',
        actor: 'stack',
        reason,
      }),
    );
    await page.getByTestId('timeline').getByText('OperatorActionRecorded', { exact: true }).click();
    const payload = page
      .getByTestId('timeline')
      .locator('pre', { hasText: '"action": "retry-compensation"' });
    expect(await payload.textContent()).toContain(`"actor": "stack"`);
    expect(await payload.textContent()).toContain(`"reason": "${reason}"`);
  });

  it("draws each definition's graph: forward path, parallel groups, pivot and compensation path", async () => {
    await signIn();
    await page
      .getByRole('navigation', { name: 'Pages' })
      .getByRole('link', { name: 'Definitions' })
      .click();
    await page.waitForURL(/\/ui\/definitions$/);
    const placeOrder = page.locator(`[data-definition="${PLACE_ORDER}/1"]`);
    const graph = placeOrder.getByTestId('step-graph');
    await graph.locator('[data-step]').first().waitFor();
    const steps = await attributesOf(graph.locator('[data-step]'), 'data-step');
    expect(steps).toEqual([
      'create-order',
      'reserve-credit',
      'reserve-stock',
      'approve-order',
      'notify-customer',
    ]);
    expect(await graph.locator('.node-pivot').getAttribute('data-step')).toBe('approve-order');
    expect(await placeOrder.getByTestId('compensation-path').textContent()).toBe(
      'Compensation path (after a failure, undone in this order): reserve-stock → reserve-credit → create-order → Compensated',
    );
    await placeOrder.getByText('Retry policies and timeouts').click();
    await placeOrder.getByRole('row', { name: /^reserve-credit / }).waitFor();
  });

  it('sorts the list and bounds it in time, in the URL; pages through it', async () => {
    const ids: string[] = [];
    for (const n of [1, 2, 3]) ids.push(await startOrder(actOrder(`o-ui-sorted-${n}`)));
    await Promise.all(ids.map((id) => fixture.stack.api.waitForStatus(id, ['COMPLETED'], 60_000)));

    await signIn();
    await page.goto(ui('/ui/sagas?businessKey=o-ui-sorted-2'));
    await page.locator(`tr[data-saga-id="${ids[1]}"]`).waitFor();
    await page.goto(ui('/ui/sagas?sagaType=place-order&limit=100'));
    await page.getByRole('button', { name: /^Started/ }).click();
    await page.waitForURL(/\/ui\/sagas\?sagaType=place-order&order=asc&limit=100$/);
    expect(
      await page.getByRole('columnheader', { name: /^Started/ }).getAttribute('aria-sort'),
    ).toBe('ascending');
    const started = await attributesOf(
      page.locator('table.sagas tbody tr td:nth-child(6) time'),
      'datetime',
    );
    expect(started.length).toBeGreaterThan(3);
    expect([...started].sort()).toEqual(started);

    // Sorting by last change, then the last hour of changes only.
    await page.getByRole('button', { name: /^Last change/ }).click();
    await page.waitForURL(/sort=updated&limit=100$/);
    await page.getByRole('button', { name: 'Last hour' }).click();
    await page.waitForURL(/sort=updated&after=[^&]+&limit=100$/);
    await page.locator(`tr[data-saga-id="${ids[2]}"]`).waitFor();
    expect(await page.getByRole('group', { name: 'Last change between' }).count()).toBe(1);

    // One row per page: the next page by cursor, then back to the first.
    await page.goto(ui('/ui/sagas?sagaType=place-order&order=asc&limit=1'));
    const firstRow = page.locator('table.sagas tbody tr');
    await firstRow.waitFor();
    const first = await firstRow.getAttribute('data-saga-id');
    await page.getByRole('button', { name: 'Next page' }).click();
    await page.waitForURL(/limit=1&cursor=[^&]+$/);
    await page.locator(`table.sagas tbody tr:not([data-saga-id="${first}"])`).waitFor();
    expect(await page.locator('table.sagas tbody tr').count()).toBe(1);
    await page.getByRole('button', { name: 'First page' }).click();
    await page.locator(`table.sagas tbody tr[data-saga-id="${first}"]`).waitFor();

    await page.goto(ui('/ui/sagas?status=COMPLETED,COMPENSATED'));
    await page.locator(`tr[data-saga-id="${ids[2]}"]`).waitFor();
    await screenshot('sagas');
  });

  it('says plainly when the orchestrator cannot be reached', async () => {
    await signIn();
    await page.getByTestId('live').getByText('Live').waitFor();
    await context.setOffline(true);
    const sagas = page
      .getByRole('navigation', { name: 'Pages' })
      .getByRole('link', { name: 'Sagas' });
    await sagas.click();
    await page
      .getByRole('alert')
      .getByText(/^The orchestrator cannot be reached \(/)
      .waitFor();
    // Back on line, the same page reads again.
    await context.setOffline(false);
    await page
      .getByRole('navigation', { name: 'Pages' })
      .getByRole('link', { name: 'Overview' })
      .click();
    await page.getByTestId('live').getByText('Live').waitFor();
    await sagas.click();
    await page.locator('table.sagas tbody tr').first().waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);
  });

  it('has no horizontal scroll at 390 px wide', async () => {
    // A compensated saga, with a failure code: the longest row of the listing.
    const sagaId = await startOrder({
      orderId: 'o-ui-narrow',
      customerId: 'c-ui-poor',
      sku: 'sku-ui-poor',
      quantity: 1,
      amount: 999,
    });
    await fixture.stack.api.waitForStatus(sagaId, ['COMPENSATED'], 60_000);
    await page.setViewportSize({ width: 390, height: 844 });
    await signIn();
    await page.getByTestId('count-COMPLETED').waitFor();
    await page.getByTestId('live').getByText('Live').waitFor();
    await page.getByTestId('chart-Saga duration').locator('canvas').first().waitFor();
    expect(await scrollsSideways()).toBe(false);

    await page.goto(ui('/ui/definitions'));
    await page.getByTestId('compensation-path').first().waitFor();
    expect(await scrollsSideways()).toBe(false);

    await page.goto(ui('/ui/sagas?status=COMPLETED,COMPENSATED'));
    await page.locator('table.sagas tbody tr').first().waitFor();
    expect(await scrollsSideways()).toBe(false);

    await page.goto(ui(`/ui/sagas/${sagaId}`));
    await page.getByTestId('saga-status').getByText('Compensated').waitFor();
    await page.getByTestId('timeline').getByText('SagaCompensated', { exact: true }).waitFor();
    expect(await scrollsSideways()).toBe(false);
  });

  it('lists a dead letter of the orchestrator with its reason and saga, replays it with a reason after a confirmation, stamped with the token name; a viewer has no Replay', async () => {
    const { stack } = fixture;
    const sagaId = await startOrder({
      orderId: 'o-ui-dead-letter',
      customerId: 'c-ui-live',
      sku: 'sku-ui-live',
      quantity: 1,
      amount: 5,
    });
    await stack.api.waitForStatus(sagaId, ['COMPLETED'], 60_000);
    // A garbled reply of that saga on the topic the orchestrator consumes replies from.
    const topic = `${stack.layout.topicPrefix}saga.replies`;
    const garbled = `{"kind":"reply", not json ${sagaId}`;
    const kafka = createKafka({
      brokers: stack.infra.kafkaBrokers,
      clientId: `${stack.layout.topicPrefix}e2e-dashboard`,
      logLevel: logLevel.NOTHING,
    });
    const producer = kafka.producer();
    await producer.connect();
    try {
      await producer.send({
        topic,
        messages: [
          {
            key: sagaId,
            value: garbled,
            headers: {
              [MessageHeader.SagaId]: sagaId,
              [MessageHeader.MessageId]: `${sagaId}.garbled`,
            },
          },
        ],
      });
    } finally {
      await producer.disconnect();
    }
    const api = async (path: string): Promise<unknown> => {
      const response = await fetch(`${stack.url('orchestrator')}${path}`, {
        headers: { authorization: `Bearer ${stack.apiToken}` },
      });
      expect(response.status).toBe(200);
      return response.json();
    };
    const id = await waitFor(
      async () => {
        const { items } = (await api(`/dead-letters?sagaId=${sagaId}`)) as {
          items: { id: string; value: string | null }[];
        };
        return items.find((item) => item.value === garbled)?.id;
      },
      { timeoutMs: 60_000, what: "the garbled reply in the orchestrator's dead letters" },
    );

    await signIn();
    await page
      .getByRole('navigation', { name: 'Pages' })
      .getByRole('link', { name: 'Dead letters' })
      .click();
    await page.waitForURL(/\/ui\/dead-letters$/);
    const item = page.locator(`[data-dead-letter-id="${id}"]`);
    await item.getByText('MESSAGE_UNDECODABLE', { exact: true }).waitFor();
    expect(await item.locator('[data-replayed]').textContent()).toBe('Not replayed');
    expect(await item.textContent()).toContain(topic);
    expect(await item.getByRole('link', { name: sagaId }).getAttribute('href')).toBe(
      `/ui/sagas/${sagaId}`,
    );
    await item.getByText('Payload', { exact: true }).click();
    await item.locator('pre', { hasText: garbled }).waitFor();

    // The saga filter, in the URL.
    await page.getByLabel('Saga id').fill(sagaId);
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(new RegExp(`/ui/dead-letters\\?sagaId=${sagaId}$`));

    // The replay: reason, review, confirm.
    const reason = 'reply decoder fixed';
    await item.getByRole('button', { name: 'Replay', exact: true }).click();
    await item.getByLabel('Reason for the replay').fill(reason);
    await item.getByRole('button', { name: 'Review' }).click();
    await item.getByText(`with the reason “${reason}”?`).waitFor();
    await item.getByRole('button', { name: 'Confirm replay' }).click();
    const outcome = page.getByRole('alert');
    await outcome.waitFor();
    expect(await outcome.textContent()).toBe(
      `Dead letter #${id} replayed onto ${topic} by stack with the reason “${reason}”.`,
    );
    await item.locator('[data-replayed="true"]').getByText('Replayed').waitFor();
    const stamp = await item.getByTestId('replay-stamp').textContent();
    expect(stamp).toMatch(/^by stack at /);
    expect(stamp).toContain(`: “${reason}”`);
    await item.getByRole('button', { name: 'Replay again' }).waitFor();

    // Stored: the stamp on the dead letter, and the replay in the saga's history.
    expect(await api(`/dead-letters/${id}`)).toMatchObject({
      id,
      replayedBy: 'stack',
      replayReason: reason,
      replayedAt: expect.any(String) as unknown,
    });
    expect((await stack.api.getHistory(sagaId)).map((entry) => entry.event)).toContainEqual(
      expect.objectContaining({
        type: 'MessageRedelivered',
        kind: 'dead-letter-replay',
        deadLetterId: id,
        actor: 'stack',
        reason,
      }),
    );

    // A viewer sees it among the replayed ones, without a Replay button, at 390 px too.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(VIEWER_TOKEN);
    await page.getByTestId('caller').getByText('ui-viewer (viewer)').waitFor();
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(ui(`/ui/dead-letters?replayed=true&sagaId=${sagaId}`));
    await item.locator('[data-replayed="true"]').waitFor();
    await item.getByText('Payload', { exact: true }).click();
    await item.locator('pre', { hasText: garbled }).waitFor();
    expect(await page.getByRole('button', { name: /replay/i }).count()).toBe(0);
    expect(await page.locator('[data-replayed="false"]').count()).toBe(0);
    expect(await scrollsSideways()).toBe(false);
  });

  // Last: the 10,000 rows it adds are of a type of their own, started years ago, and ended.
  it('pages through a listing of 10,000 sagas, 500 rows at a time', async () => {
    const digits =
      'SELECT 0 AS d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9';
    await fixture.dbs.orchestrator.query(
      `INSERT INTO saga_instance (saga_id, saga_type, saga_version, business_key, status,
         current_step, data, state, version, failure_code, started_at, updated_at, ended_at)
       SELECT CONCAT('bulk-', LPAD(k, 5, '0')), 'bulk-history', 1, CONCAT('bulk-', k),
              'COMPLETED', NULL, '{}', '{}', 6, NULL,
              TIMESTAMPADD(SECOND, k, '2020-01-01'), TIMESTAMPADD(SECOND, k + 1, '2020-01-01'),
              TIMESTAMPADD(SECOND, k + 1, '2020-01-01')
         FROM (SELECT a.d * 1000 + b.d * 100 + c.d * 10 + e.d AS k
                 FROM (${digits}) a CROSS JOIN (${digits}) b CROSS JOIN (${digits}) c
                      CROSS JOIN (${digits}) e) numbered`,
    );

    await signIn();
    await page.goto(ui('/ui/sagas?sagaType=bulk-history&limit=500'));
    const rows = page.locator('table.sagas tbody tr');
    const seen = new Set<string>();
    let pages = 0;
    for (;;) {
      await rows.first().waitFor();
      // One call for the page's 500 ids, not one per row.
      const ids = await page.evaluate<string[]>(
        "Array.from(document.querySelectorAll('table.sagas tbody tr'), (row) => row.dataset.sagaId ?? '')",
      );
      expect(ids).toHaveLength(500);
      // A new page, not the previous one still shown.
      expect(seen.has(ids[0] ?? '')).toBe(false);
      for (const id of ids) seen.add(id);
      pages += 1;
      const next = page.getByRole('button', { name: 'Next page' });
      if ((await next.count()) === 0) break;
      await next.click();
      await page.waitForURL(/limit=500&cursor=[^&]+$/);
      await page
        .locator(`table.sagas tbody tr[data-saga-id="${ids[0]}"]`)
        .waitFor({ state: 'detached' });
    }
    expect(pages).toBe(20);
    expect(seen.size).toBe(10_000);
    // The newest start first: the last page ends with the first saga inserted.
    expect(await rows.last().getAttribute('data-saga-id')).toBe('bulk-00000');
  });
});
