/**
 * `npm run cli -- reproject <portalId> [--due]` with the backend's own wiring against the sandbox: progress
 * lines on stderr, the report and the next-change index's counts on stdout, exit 0; the full pass records
 * the plan's next change date, the due pass reads the deal only once that day has come and then writes it,
 * and an inactive portal is refused before anything is read.
 */
import { jest } from '@jest/globals';
import { addDays } from '../../src/domain/dates.js';
import { hubSpotTenant } from '../../src/adapters/hubspot/tenant.js';
import { callFunction } from './harness.js';
import { startCli, type CliSetup } from './cli-process.js';

// Five CLI processes (each starts tsx and the backend), on a machine busy with the rest of the suite.
jest.setTimeout(120_000);

let c: CliSetup;
beforeAll(async () => {
  c = await startCli();
});
afterAll(() => c.close());

test('reproject prints progress on stderr and the report on stdout; the due pass writes the deal once its next change date has come', async () => {
  const { portalId } = await c.b.install({ new_portal_tier: 'enterprise' });
  const dealId = await c.b.newDeal(portalId);
  await c.b.newDeal(portalId, 'No plan');
  const today = new Date().toISOString().slice(0, 10);
  const applied = await callFunction(
    c.b.h,
    'apply-template',
    { dealId, baseVersion: 0, templateId: 'smb-quick-close', targetCloseDate: addDays(today, 30) },
    { caller: { portalId, userId: 5 }, now: Date.now() },
  );
  expect(applied.status).toBe(200);

  // The save recorded the plan's next change date in the backend's index, which the CLI shares.
  const stats = await c.b.h.backend.schedule.stats(hubSpotTenant(portalId), today);
  expect(stats).toMatchObject({ tracked: 1, due: 0 });
  const next = stats.nextDate!;

  const same = await c.run('reproject', String(portalId), '--today', today);
  expect(same.code).toBe(0);
  expect(same.stdout).toMatch(
    new RegExp(
      `^Reprojected portal ${portalId} for ${today} \\(full pass\\): scanned 2( of ~\\d+)? deals, 1 plans read, 0 changed, 0 written, 0 failed; 1 next dates recorded, 0 forgotten \\(\\d+\\.\\d s(, ETA \\d+ s)?\\)\\nNext-change index: 1 plans tracked, 0 due on ${today}, next date ${next}\\n$`,
    ),
  );
  expect(same.stderr).toMatch(/^scanned 2( of ~\d+)? deals, 1 plans read, 0 changed, 0 written, 0 failed/m);

  // The due pass on a day before the plan's next change reads nothing; on that day it writes the deal.
  const early = await c.run('reproject', String(portalId), '--due', '--today', today);
  expect(early.code).toBe(0);
  expect(early.stdout).toMatch(/\(due pass\): 0 of 0 due deals, 0 plans read, 0 changed, 0 written/);
  const due = await c.run('reproject', String(portalId), '--due', '--today', next);
  expect(due.code).toBe(0);
  expect(due.stdout).toMatch(
    new RegExp(
      `for ${next} \\(due pass\\): 1 of 1 due deals, 1 plans read, 1 changed, 1 written, 0 failed; 1 next dates recorded`,
    ),
  );
  expect(due.stdout).toMatch(
    new RegExp(`Next-change index: 1 plans tracked, 0 due on ${next}, next date \\d`),
  );
  // A line after the batch and one after the write, the last one with the write.
  expect(due.stderr.trim().split('\n').at(-1)).toMatch(/1 changed, 1 written, 0 failed/);

  const both = await c.run('reproject', String(portalId), '--due', '--deal', dealId);
  expect(both.code).toBe(1);
  expect(both.stderr).toMatch(/--due reprojects the due deals: leave out --deal/);

  await c.b.h.installations.deactivate(hubSpotTenant(portalId), 'uninstalled');
  const refused = await c.run('reproject', String(portalId));
  expect(refused.code).toBe(1);
  expect(refused.stderr).toMatch(new RegExp(`portal ${portalId} has no active installation`));
});
