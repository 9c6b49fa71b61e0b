/**
 * The preview host's side of HubSpot's worker contract, with a small card of our own
 * (fixture-card/HostContractCard.tsx) bundled by buildSingleExtension like the deal card and loaded through
 * PREVIEW_CARD_BUNDLE: context, hubspot.fetch signed server-side and verified by the backend, a refused
 * unlisted origin, actions, useCrmProperties, overlays, HubSpot's input events, an unimplemented component.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { buildSingleExtension } from '@hubspot/ui-extensions-dev-server/build';
import type { Browser, Page } from 'playwright-core';
import {
  ARTIFACTS,
  launchBrowser,
  REPO_ROOT,
  requireChromium,
  screenshot,
  startApp,
  type RunningApp,
} from './harness.js';

jest.setTimeout(180_000);
const TIMEOUT = 20_000;

let app: RunningApp;
let browser: Browser;
let page: Page;

const text = async (p: Page, testId: string): Promise<string> =>
  (await p.locator(`[data-testid="${testId}"]`).first().textContent()) ?? '';
async function waitForText(p: Page, testId: string, expected: RegExp): Promise<void> {
  await p.locator(`[data-testid="${testId}"]`, { hasText: expected }).first().waitFor({ timeout: TIMEOUT });
}

beforeAll(async () => {
  requireChromium();
  const outputDir = join(ARTIFACTS, 'fixture-card');
  mkdirSync(outputDir, { recursive: true });
  const info = jest.spyOn(console, 'info').mockImplementation(() => undefined);
  const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  try {
    await buildSingleExtension({
      file: join(REPO_ROOT, 'test/preview/fixture-card/HostContractCard.tsx'),
      outputDir,
      root: join(REPO_ROOT, 'test/preview/fixture-card'),
      minify: true,
      logLevel: 'silent',
    });
  } finally {
    info.mockRestore();
    warn.mockRestore();
  }
  app = await startApp({ PREVIEW_CARD_BUNDLE: join(outputDir, 'HostContractCard.js') });
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  page.setDefaultTimeout(TIMEOUT);
  await page.goto(app.previewUrl);
  const first = page.locator('[data-testid=deal-list] tbody tr').first();
  await first.waitFor();
  await page.goto(`${app.previewUrl}/deals/${(await first.getAttribute('data-deal-id')) ?? ''}`);
  await page.locator('[data-testid=ctx]').waitFor();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

test('the card gets the crm.record.tab context of the deal, the portal and the signed-in user', async () => {
  const dealId = /\/deals\/(\d+)/.exec(page.url())?.[1];
  expect(await text(page, 'ctx')).toMatch(
    new RegExp(`^crm\\.record\\.tab deal ${dealId} portal 1000001 user \\S+@\\S+$`),
  );
});

test('hubspot.fetch reaches the backend with a valid v3 signature; an unlisted origin is refused', async () => {
  await page.locator('[data-testid=call-backend]').click();
  await waitForText(page, 'fetch-result', /^200 \d+ templates$/);
  await page.locator('[data-testid=call-unlisted]').click();
  await waitForText(page, 'fetch-result', /unlisted origin rejected/);
});

test('useCrmProperties and fetchCrmObjectProperties read the record; addAlert shows a banner', async () => {
  const name = await text(page, 'deal-name');
  await waitForText(page, 'crm-dealname', new RegExp(name.slice(0, 10)));
  await page.locator('[data-testid=fetch-props]').click();
  await waitForText(page, 'fetched-name', new RegExp(`fetched: ${name.slice(0, 10)}`));
  await page.locator('[data-testid=alert]').click();
  await page
    .locator('[data-testid=host-alerts] [data-alert-type=success]', { hasText: 'From the card' })
    .waitFor();
});

test('Input calls onInput while typing and onChange on blur; DateInput commits a 0-based month', async () => {
  const input = page.locator('[data-testid=name-input] input');
  await input.fill('Ada');
  await waitForText(page, 'typed', /typed: Ada$/);
  expect(await text(page, 'committed')).toBe('committed: ');
  await input.blur();
  await waitForText(page, 'committed', /committed: Ada$/);
  await page.locator('[data-testid=date-input] input').fill('2027-03-26');
  await waitForText(page, 'date-value', /date: 2027-3-26$/);
});

test('a Button overlay opens a Modal that actions.closeOverlay closes; a Panel opens and closes with ✕', async () => {
  await page.locator('[data-testid=open-modal]').click();
  await page.locator('[role=dialog] [data-testid=modal-text]').waitFor();
  await screenshot(page, 'host-01-modal');
  await page.locator('[data-testid=close-modal]').click();
  await page.locator('[data-testid=modal-text]').waitFor({ state: 'detached' });
  await page.locator('[data-testid=open-panel]').click();
  await page.locator('[role=dialog] [data-testid=panel-text]').waitFor();
  await page.locator('[data-hs=Panel] button[aria-label=Close]').click();
  await page.locator('[data-testid=panel-text]').waitFor({ state: 'detached' });
});

test('a component the host does not implement shows a placeholder naming it, never a blank', async () => {
  const placeholder = page.locator('[data-hs=Unimplemented][data-component=CrmPropertyList]');
  await placeholder.waitFor();
  expect(await placeholder.textContent()).toMatch(/CrmPropertyList.*not implemented in the local preview/);
  expect(await page.locator('[data-testid=card-error]').count()).toBe(0);
  await screenshot(page, 'host-02-contract-card');
});
