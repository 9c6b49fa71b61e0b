/**
 * The daily scheduler as createBackend wires it, against the sandbox CRM: a backend that starts ticks at
 * once (the catch-up) and runs an installed portal's day with the default handler — the full reprojection
 * over the HubSpot PlanScan — recording its report in the run ledger; SCHEDULER=off starts none; a given
 * installation store without a ledger is refused with a sentence saying what to pass.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { hubSpotTenant } from '../../src/adapters/hubspot/tenant.js';
import { addDays, calendarDay } from '../../src/domain/dates.js';
import { localTime } from '../../src/domain/local-time.js';
import { createBackend } from '../../src/main.js';
import { createLogger } from '../../src/lib/logger.js';
import { createSandbox, type Sandbox } from '../../src/sandbox/platform/server.js';
import { eventually } from '../jobs/job-queue-contract.js';
import { callFunction, startHarness, testConfig, TestClock } from './harness.js';
import { SANDBOX_CLIENT_SECRET, startSandboxBackend } from './sandbox-backend.js';

jest.setTimeout(60_000);

let sandbox: Sandbox;
let dir: string;
beforeAll(async () => {
  sandbox = await createSandbox({ dataFile: ':memory:', rateLimit: { perTenSeconds: null } });
  dir = mkdtempSync(join(tmpdir(), 'map-daily-backend-'));
});
afterAll(async () => {
  await sandbox.close();
  rmSync(dir, { recursive: true, force: true });
});

test("a backend's start-up tick runs an installed portal's day: its first run is the full pass, its report in the ledger", async () => {
  const sqlitePath = join(dir, 'app.sqlite');
  const clock = new TestClock(Date.now());
  // A backend with no scheduler installs the portal and gives its deal a plan.
  const installer = await startSandboxBackend(sandbox, { clock, sqlitePath });
  const { portalId } = await installer.install({ new_portal_tier: 'enterprise' });
  const dealId = await installer.newDeal(portalId);
  await installer.newDeal(portalId, 'No plan');
  const tenant = hubSpotTenant(portalId);
  const timeZone = (await installer.h.installations.getInstallation(tenant))?.timeZone ?? null;
  const today = calendarDay(clock.now(), timeZone ?? undefined);
  const applied = await callFunction(
    installer.h,
    'apply-template',
    { dealId, baseVersion: 0, templateId: 'smb-quick-close', targetCloseDate: addDays(today, 30) },
    { caller: { portalId, userId: 5 } },
  );
  expect(applied.status).toBe(200);
  await installer.h.close();
  // Past the run time in the portal's zone (the run time is 00:30 local).
  if (localTime(clock.now(), timeZone).minuteOfDay < 30) clock.ms += 60 * 60_000;

  // The scheduling backend, on the same database and OAuth app: it ticks as it starts.
  const h = await startHarness({
    plans: 'hubspot',
    clock,
    sqlitePath,
    crmBase: sandbox.baseUrl,
    env: { HUBSPOT_CLIENT_ID: installer.clientId, HUBSPOT_CLIENT_SECRET: SANDBOX_CLIENT_SECRET },
    scheduler: { tickIntervalMs: 60 * 60_000 },
  });
  try {
    expect(h.backend.scheduler).toBeDefined();
    const ledger = h.backend.runLedger!;
    await eventually(async () => (await ledger.recent(5)).some((r) => r.status !== 'running'), 30_000);
    const [run] = await ledger.recent(5);
    expect(run).toMatchObject({
      tenant,
      localDate: localTime(clock.now(), timeZone).date,
      kind: 'full',
      status: 'done',
      attempts: 1,
      report: { scanned: 2, read: 1, failed: 0, scheduled: 1 },
    });
    expect(h.logs.some((l) => l.msg === 'daily scheduler started' && l.engine === 'in-process')).toBe(true);
    expect(h.logs.some((l) => l.msg === 'daily run done' && l.accountId === String(portalId))).toBe(true);
    // A later tick the same day queues nothing: the day is done.
    expect((await h.backend.scheduler!.tick()).queued).toEqual([]);
  } finally {
    await h.close();
  }
});

test('SCHEDULER=off starts no scheduler (the run ledger is still there for the CLI)', async () => {
  const backend = await createBackend({
    config: testConfig({ SCHEDULER: 'off', SQLITE_PATH: join(dir, 'off.sqlite') }),
    crm: { apiBase: 'http://127.0.0.1:9', oauthBase: 'http://127.0.0.1:9' },
    logger: createLogger({ level: 'silent' }),
    housekeepingIntervalMs: 0,
  });
  try {
    expect(backend.scheduler).toBeUndefined();
    expect(await backend.runLedger!.recent(1)).toEqual([]);
  } finally {
    await backend.close();
  }
});

test('a given installation store without a run ledger is refused with a sentence saying what to pass', async () => {
  const h = await startHarness();
  try {
    await expect(
      createBackend({
        config: testConfig(),
        crm: { apiBase: 'http://127.0.0.1:9', oauthBase: 'http://127.0.0.1:9' },
        logger: createLogger({ level: 'silent' }),
        installations: h.installations,
        housekeepingIntervalMs: 0,
      }),
    ).rejects.toThrow('pass `scheduler.ledger` too, or `scheduler: false`');
  } finally {
    await h.close();
  }
});
