// The web dashboard (apps/dashboard, built) served by the orchestrator under /ui, driven in
// the machine's Chromium (Debian's package, installed with apt when missing) against the
// real stack: signing in with the stack's token, a saga followed live on its page, the
// listing filtered to compensated sagas, an abort sent with a reason and a confirmation, a
// stale confirmation refused, a viewer without actions, a refused token, and the 390 px
// wide layout.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { PLACE_ORDER, type PlaceOrderInput } from '@sagaflow/examples';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';

import { launchChromium } from './support/chromium';
import { useStack } from './support/use-stack';

const DASHBOARD_BUILD = join(__dirname, '..', '..', 'apps', 'dashboard', 'dist', 'index.html');
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
      ],
      stock: [
        { sku: 'sku-ui-live', available: 10 },
        { sku: 'sku-ui-act', available: 10 },
        { sku: 'sku-ui-poor', available: 10 },
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

async function signIn(token = fixture.stack.apiToken): Promise<void> {
  await page.goto(ui());
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
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

  it('has no horizontal scroll at 390 px wide', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await signIn();
    await page.getByTestId('count-COMPLETED').waitFor();
    await page.getByTestId('live').getByText('Live').waitFor();
    expect(await scrollsSideways()).toBe(false);

    await page.goto(ui('/ui/sagas?status=COMPLETED,COMPENSATED'));
    await page.locator('table.sagas tbody tr').first().waitFor();
    expect(await scrollsSideways()).toBe(false);

    const sagaId = await startOrder({
      orderId: 'o-ui-narrow',
      customerId: 'c-ui-poor',
      sku: 'sku-ui-poor',
      quantity: 1,
      amount: 999,
    });
    await fixture.stack.api.waitForStatus(sagaId, ['COMPENSATED'], 60_000);
    await page.goto(ui(`/ui/sagas/${sagaId}`));
    await page.getByTestId('saga-status').getByText('Compensated').waitFor();
    await page.getByTestId('timeline').getByText('SagaCompensated', { exact: true }).waitFor();
    expect(await scrollsSideways()).toBe(false);
  });
});
