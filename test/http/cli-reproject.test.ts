/**
 * `npm run cli -- reproject <portalId>` with the backend's own wiring against the sandbox: progress lines on
 * stderr, the report on stdout, exit 0; a run later in time writes the deals whose fields changed, and an
 * inactive portal is refused before anything is read.
 */
import { jest } from '@jest/globals';
import { addDays } from '../../src/domain/dates.js';
import { hubSpotTenant } from '../../src/adapters/hubspot/tenant.js';
import { callFunction } from './harness.js';
import { startCli, type CliSetup } from './cli-process.js';

jest.setTimeout(60_000);

let c: CliSetup;
beforeAll(async () => {
  c = await startCli();
});
afterAll(() => c.close());

test('reproject prints progress on stderr and the report on stdout; later in time it writes the changed deal', async () => {
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

  const same = await c.run('reproject', String(portalId), '--today', today);
  expect(same.code).toBe(0);
  expect(same.stdout).toMatch(
    new RegExp(
      `^Reprojected portal ${portalId} for ${today}: scanned 2( of ~\\d+)? deals, 1 with plans, 0 changed, 0 written, 0 failed \\(\\d+\\.\\d s(, ETA \\d+ s)?\\)\\n$`,
    ),
  );
  expect(same.stderr).toMatch(/^scanned 2( of ~\d+)? deals, 1 with plans, 0 changed, 0 written, 0 failed/m);

  const later = addDays(today, 60);
  const moved = await c.run('reproject', String(portalId), '--today', later);
  expect(moved.code).toBe(0);
  expect(moved.stdout).toMatch(/scanned 2( of ~\d+)? deals, 1 with plans, 1 changed, 1 written, 0 failed/);
  // A line after the page and one after the write, the last one with the write.
  expect(moved.stderr.trim().split('\n').at(-1)).toMatch(/1 changed, 1 written, 0 failed/);

  await c.b.h.installations.deactivate(hubSpotTenant(portalId), 'uninstalled');
  const refused = await c.run('reproject', String(portalId));
  expect(refused.code).toBe(1);
  expect(refused.stderr).toMatch(new RegExp(`portal ${portalId} has no active installation`));
});
