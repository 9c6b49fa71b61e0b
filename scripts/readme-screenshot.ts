/**
 * `npm run docs:screenshot`: retakes docs/img/preview-deal-card.png, the README's picture of the deal card in
 * the local preview, the way a rep would get there: the app started as `npm start` starts it (in-memory
 * data), a demo deal, the enterprise template applied with a target close date five months out, and its first
 * milestone marked done. Needs Debian's Chromium (/usr/bin/chromium), as the end-to-end tests do.
 */
import { join } from 'node:path';
import { launchBrowser, REPO_ROOT, requireChromium, startApp } from '../test/preview/harness.js';

const DEAL_NAME = 'Fjord Energy — Grid Operations Suite';
const OUT = join(REPO_ROOT, 'docs/img/preview-deal-card.png');

requireChromium();
const app = await startApp();
const browser = await launchBrowser();
try {
  const page = await browser.newPage({ viewport: { width: 1180, height: 820 } });
  page.setDefaultTimeout(30_000);
  await page.goto(app.previewUrl);
  await page.locator('[data-testid=deal-list] a', { hasText: DEAL_NAME }).click();
  await page.locator('[data-testid=empty-plan]').waitFor();
  const select = page.locator('[data-testid=template-select] select');
  const enterprise = (await select.locator('option').allTextContents()).find((t) =>
    t.startsWith('Enterprise deal'),
  );
  await select.selectOption({ label: enterprise ?? '' });
  const target = new Date(Date.now() + 150 * 86_400_000).toISOString().slice(0, 10);
  await page.locator('[data-testid=target-close-date] input').fill(target);
  await page.locator('[data-testid=preview-table]').waitFor();
  await page.locator('[data-testid=create-plan]').click();
  await page.locator('[data-testid=health-tag]').waitFor();
  await page.locator('[data-testid^="status-"] select').first().selectOption({ label: 'Done' });
  await page
    .locator('[data-testid=property-panel] [data-property=map_milestones_done]', { hasText: '1' })
    .waitFor();
  // The success toasts would cover the milestones in a still picture.
  await page.addStyleTag({ content: '[data-testid=host-alerts] { display: none !important; }' });
  // Selecting a status scrolled the page; the picture starts at the top, as a rep opening the deal sees it.
  await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path: OUT });
  console.log(`wrote ${OUT}`);
} finally {
  await browser.close();
  await app.stop();
}
