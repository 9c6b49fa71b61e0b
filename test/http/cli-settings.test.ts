/**
 * `npm run cli -- settings <portalId> [reminders on|off]` in its own process, on the installation database of
 * a backend installed through the sandbox: shows the settings, turns reminder tasks off and on, and refuses
 * what it does not know.
 */
import { jest } from '@jest/globals';
import { hubSpotTenant } from '../../src/adapters/hubspot/tenant.js';
import { startCli, type CliSetup } from './cli-process.js';

jest.setTimeout(60_000);

let c: CliSetup;
beforeAll(async () => {
  c = await startCli();
});
afterAll(() => c.close());

test('settings shows a portal’s settings and turns its reminder tasks off and on', async () => {
  const { portalId } = await c.b.install({ new_portal_tier: 'professional' });
  const shown = await c.run('settings', String(portalId));
  expect(shown.code).toBe(0);
  expect(JSON.parse(shown.stdout)).toEqual({ writeNativeForecast: false, createReminderTasks: true });

  const off = await c.run('settings', String(portalId), 'reminders', 'off');
  expect(off.code).toBe(0);
  expect(off.stdout).toMatch(/Reminder tasks are off for portal \d+: none is made/);
  expect(
    (await c.b.h.installations.getInstallation(hubSpotTenant(portalId)))?.settings.createReminderTasks,
  ).toBe(false);
  expect((await c.run('settings', String(portalId), 'reminders', 'on')).code).toBe(0);
  expect(
    (await c.b.h.installations.getInstallation(hubSpotTenant(portalId)))?.settings.createReminderTasks,
  ).toBe(true);

  const unknown = await c.run('settings', String(portalId), 'colour', 'blue');
  expect(unknown.code).toBe(1);
  expect(unknown.stderr).toMatch(/unknown setting colour/);
  const bad = await c.run('settings', String(portalId), 'reminders', 'maybe');
  expect(bad.code).toBe(1);
  expect((await c.run('settings', '999999', 'reminders', 'off')).stderr).toMatch(
    /portal 999999 has no installation/,
  );
});
