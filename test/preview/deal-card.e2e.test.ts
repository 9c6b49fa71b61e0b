/**
 * The deal card in the local preview, end to end: `npm start` (sandbox CRM, backend, demo install, preview),
 * the real card bundle in a Web Worker behind the preview host, Chromium driving it like a rep would. Each step
 * saves a screenshot under test-artifacts/preview/.
 */
import { jest } from '@jest/globals';
import type { Browser, Locator, Page } from 'playwright-core';
import { crmDeal, launchBrowser, requireChromium, screenshot, startApp, type RunningApp } from './harness.js';

jest.setTimeout(180_000);

const DEAL_NAME = 'Fjord Energy — Grid Operations Suite';
const TIMEOUT = 20_000;

let app: RunningApp;
let browser: Browser;
let page: Page;
let dealId: string;

/** Polls until `read` returns a value `ok` accepts; fails with the last value seen. */
async function eventually<T>(
  read: () => Promise<T>,
  ok: (v: T) => boolean,
  what: string,
  timeout = TIMEOUT,
): Promise<T> {
  const deadline = Date.now() + timeout;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await read();
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(last)}`);
}

const text = async (l: Locator): Promise<string> =>
  (await l.count()) > 0 ? ((await l.first().textContent()) ?? '') : '';
const panelValue = (p: Page, name: string) =>
  text(p.locator(`[data-testid=property-panel] [data-property=${name}] dd`));
/** The label of the chosen option of every milestone status select, in page order. */
async function statusLabels(p: Page): Promise<string[]> {
  const selects = p.locator('[data-testid^="status-"] select');
  const labels: string[] = [];
  for (let i = 0; i < (await selects.count()); i++)
    labels.push(await text(selects.nth(i).locator('option:checked')));
  return labels;
}
const isoDaysFromNow = (days: number): string =>
  new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

async function openDeal(p: Page): Promise<void> {
  await p.goto(`${app.previewUrl}/deals/${dealId}`);
  await p.locator('[data-testid=card-root] [data-hs]').first().waitFor({ timeout: TIMEOUT });
}

beforeAll(async () => {
  requireChromium();
  app = await startApp();
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(TIMEOUT);
  page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
  });
});

const cspViolations: string[] = [];

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

test('the deal list shows the sandbox deals with stage, amount, close date and the map_* columns', async () => {
  await page.goto(app.previewUrl);
  const row = page.locator('[data-testid=deal-list] tbody tr', { hasText: DEAL_NAME });
  await row.waitFor({ timeout: TIMEOUT });
  expect(await page.locator('[data-testid=deal-list] tbody tr').count()).toBeGreaterThanOrEqual(8);
  expect(await text(row.locator('[data-property=dealstage]'))).toBe('Appointment Scheduled');
  expect(await text(row.locator('[data-property=amount]'))).toBe('$96,000');
  const headers = await page.locator('[data-testid=deal-list] thead th').allTextContents();
  expect(headers.join('|')).toMatch(/Close Date/i);
  expect(headers.some((h) => /MAP progress/i.test(h))).toBe(true);
  dealId = (await row.getAttribute('data-deal-id')) ?? '';
  expect(dealId).toMatch(/^\d+$/);
  await screenshot(page, '01-deal-list');
});

test('the preview sends CSP (own scripts and worker only), no framing and nosniff, and runs under it without a violation', async () => {
  for (const path of ['/', `/deals/${dealId}`, '/assets/host.js', '/assets/worker.js']) {
    const res = await fetch(`${app.previewUrl}${path}`);
    await res.arrayBuffer();
    const csp = res.headers.get('content-security-policy') ?? '';
    expect([path, csp]).toEqual([path, expect.stringContaining("script-src 'self'")]);
    expect(csp).toContain("worker-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  }
});

test('the deal page runs the real card in a worker: an empty plan offers the templates', async () => {
  await page.locator('[data-testid=deal-list] a', { hasText: DEAL_NAME }).click();
  await page.locator('[data-testid=empty-plan]').waitFor({ timeout: TIMEOUT });
  expect(await text(page.locator('[data-testid=deal-name]'))).toBe(DEAL_NAME);
  // The templates came from the backend through hubspot.fetch, signed by the preview server.
  await eventually(
    () => page.locator('[data-testid=template-select] option').count(),
    (n) => n >= 3,
    'the template options',
  );
  expect(await page.locator('[data-testid=card-error]').count()).toBe(0);
  expect(await page.locator('[data-hs=Unimplemented]').count()).toBe(0);
  expect(await panelValue(page, 'map_plan_version')).toBe('—');
  await screenshot(page, '02-empty-plan');
});

test('applying the enterprise template with a target close date creates the plan and writes the map_* properties', async () => {
  const refreshes = Number(await page.locator('[data-testid=property-panel]').getAttribute('data-refreshes'));
  const select = page.locator('[data-testid=template-select] select');
  const enterprise = (await select.locator('option').allTextContents()).find((t) =>
    t.startsWith('Enterprise deal'),
  );
  expect(enterprise).toBeDefined();
  await select.selectOption({ label: enterprise ?? '' });
  await page.locator('[data-testid=target-close-date] input').fill(isoDaysFromNow(150));
  await page.locator('[data-testid=preview-table]').waitFor({ timeout: TIMEOUT });
  await page.locator('[data-testid=create-plan]').click();
  await page.locator('[data-testid=health-tag]').waitFor({ timeout: TIMEOUT });
  // refreshObjectProperties re-read the record: the panel shows what the backend wrote.
  await eventually(
    () => panelValue(page, 'map_plan_version'),
    (v) => v === '1',
    'map_plan_version 1 in the panel',
  );
  expect(
    Number(await page.locator('[data-testid=property-panel]').getAttribute('data-refreshes')),
  ).toBeGreaterThan(refreshes);
  expect(Number(await panelValue(page, 'map_milestones_total'))).toBeGreaterThanOrEqual(8);
  expect(await panelValue(page, 'map_milestones_done')).toBe('0');
  expect(await panelValue(page, 'map_health')).not.toBe('—');
  const crm = await crmDeal(app.sandboxUrl, dealId, ['map_plan_version', 'map_milestones_total']);
  expect(crm.map_plan_version).toBe('1');
  await screenshot(page, '03-plan-created');
});

test('marking the first milestone done moves the header and the deal properties', async () => {
  const progressBefore = await panelValue(page, 'map_progress');
  const headerBefore = await page
    .locator('[data-testid=plan-progress] [role=progressbar]')
    .getAttribute('aria-valuenow');
  const first = page.locator('[data-testid^="status-"] select').first();
  await first.selectOption({ label: 'Done' });
  await eventually(
    () => panelValue(page, 'map_milestones_done'),
    (v) => v === '1',
    'map_milestones_done 1',
  );
  expect(await panelValue(page, 'map_plan_version')).toBe('2');
  expect(await panelValue(page, 'map_progress')).not.toBe(progressBefore);
  await eventually(
    async () =>
      (await page.locator('[data-testid=plan-progress] [role=progressbar]').getAttribute('aria-valuenow')) ??
      '',
    (v) => v !== headerBefore && Number(v) > 0,
    'the header progress bar to move',
  );
  expect(await page.locator('[data-testid=property-panel] [data-changed=true]').count()).toBeGreaterThan(0);
  await screenshot(page, '04-first-milestone-done');
});

test('moving a due date with a reason updates the projection and the deal properties', async () => {
  const projectedBefore = await panelValue(page, 'map_projected_close_date');
  const headerBefore = await text(page.locator('[data-testid=projected-close]'));
  // The close milestone moves 3 days earlier (later would pass the milestones that depend on it, which the
  // plan refuses): the projected close follows it.
  const closeRow = page.locator('tr', { has: page.locator('[data-hs=Tag]', { hasText: /^Close$/ }) });
  await closeRow.locator('[data-testid^="move-date-"]').click();
  const form = page.locator('[data-testid=move-date-form]');
  await form.waitFor({ timeout: TIMEOUT });
  const input = form.locator('[data-testid=move-date-input] input');
  const current = await input.inputValue();
  expect(current).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  const earlier = new Date(Date.parse(`${current}T00:00:00Z`) - 3 * 86_400_000).toISOString().slice(0, 10);
  await input.fill(earlier);
  await form
    .locator('[data-testid=move-date-reason] textarea')
    .fill('The buyer’s board meets three days earlier');
  await screenshot(page, '05a-move-date-form');
  await form.locator('[data-testid=move-date-save]').click();
  await form.waitFor({ state: 'detached', timeout: TIMEOUT });
  await eventually(
    () => panelValue(page, 'map_plan_version'),
    (v) => v === '3',
    'map_plan_version 3',
  );
  expect(await panelValue(page, 'map_projected_close_date')).not.toBe(projectedBefore);
  const crm = await crmDeal(app.sandboxUrl, dealId, ['map_projected_close_date']);
  expect(crm.map_projected_close_date?.slice(0, 10)).toBe(earlier);
  await eventually(
    () => text(page.locator('[data-testid=projected-close]')),
    (v) => v !== headerBefore && v !== '',
    'the header’s projected close',
  );
  await screenshot(page, '05-date-moved');
});

test('after a reload the same plan comes back from the sandbox CRM', async () => {
  const version = await panelValue(page, 'map_plan_version');
  const statuses = await statusLabels(page);
  await page.reload();
  await page.locator('[data-testid=health-tag]').waitFor({ timeout: TIMEOUT });
  await eventually(
    () => panelValue(page, 'map_plan_version'),
    (v) => v === version,
    'the same version after reload',
  );
  const after = await statusLabels(page);
  expect(after).toEqual(statuses);
  expect(after[0]).toBe('Done');
  await screenshot(page, '06-after-reload');
});

test('a stale tab’s quick edit of another milestone applies on top of the other tab’s; one of the same field gets the conflict message, and no edit is lost', async () => {
  const second = await browser.newPage({ viewport: { width: 900, height: 900 } });
  second.setDefaultTimeout(TIMEOUT);
  try {
    await openDeal(second);
    await second.locator('[data-testid=health-tag]').waitFor({ timeout: TIMEOUT });
    // Second tab: the second milestone becomes "In progress" (version 4).
    await second.locator('[data-testid^="status-"] select').nth(1).selectOption({ label: 'In progress' });
    await eventually(
      () => panelValue(second, 'map_plan_version'),
      (v) => v === '4',
      'the second tab saving version 4',
    );
    await screenshot(second, '07a-second-tab-saved');

    // First tab still shows version 3; its edit of another milestone is rebased onto version 4 (version 5),
    // and the card then shows both edits.
    await page.locator('[data-testid^="status-"] select').nth(2).selectOption({ label: 'Done' });
    await eventually(
      () => panelValue(page, 'map_plan_version'),
      (v) => v === '5',
      'the stale tab’s edit saved as version 5',
    );
    await eventually(
      () => text(page.locator('[data-testid^="status-"] select').nth(1).locator('option:checked')),
      (v) => v === 'In progress',
      'the other tab’s edit shown after the rebased save',
    );
    expect(await page.locator('[data-testid=conflict-alert]').count()).toBe(0);
    let crm = await crmDeal(app.sandboxUrl, dealId, ['map_plan_version', 'map_milestones_done']);
    expect(crm).toMatchObject({ map_plan_version: '5', map_milestones_done: '2' });
    await screenshot(page, '07-rebased');

    // Now the second tab is stale (version 4) and changes the same field the first tab just changed: a conflict.
    await second.locator('[data-testid^="status-"] select').nth(2).selectOption({ label: 'In progress' });
    const conflict = second.locator('[data-testid=conflict-alert]');
    await conflict.waitFor({ timeout: TIMEOUT });
    expect(await text(conflict)).toMatch(/Someone else changed this plan/);
    await screenshot(second, '07b-conflict');

    // Nothing lost: reload brings the other tab's edit, the rep re-applies theirs, both are in the CRM.
    await second.locator('[data-testid=conflict-reload]').click();
    await conflict.waitFor({ state: 'detached', timeout: TIMEOUT });
    await eventually(
      () => text(second.locator('[data-testid^="status-"] select').nth(2).locator('option:checked')),
      (v) => v === 'Done',
      'the other tab’s edit after reload',
    );
    await second.locator('[data-testid^="status-"] select').nth(2).selectOption({ label: 'In progress' });
    await eventually(
      () => panelValue(second, 'map_plan_version'),
      (v) => v === '6',
      'version 6 after re-applying',
    );
    crm = await crmDeal(app.sandboxUrl, dealId, ['map_plan_version', 'map_milestones_done']);
    expect(crm).toMatchObject({ map_plan_version: '6', map_milestones_done: '1' });
    await screenshot(second, '08-conflict-resolved');
  } finally {
    await second.close();
  }
});

test('no Content Security Policy violation was reported while the card ran', () => {
  expect(cspViolations).toEqual([]);
});
