/**
 * "Today" is the tenant's calendar day, in the time zone its CRM keeps (issue 12): read at install, recorded
 * with the installation, given to the functions with the caller, and read again in the background once a day.
 */
import { hubSpotTenant } from '../../src/adapters/hubspot/tenant.js';
import { err, ok } from '../../src/domain/result.js';
import type { AccountInfo } from '../../src/ports/account-info.js';
import { crmError } from '../../src/ports/crm-error.js';
import {
  callFunction,
  installPortal,
  PORTAL_A,
  PORTAL_B,
  startHarness,
  TestClock,
  USER,
  type Harness,
} from './harness.js';

const DEAL = '5001';
const HOUR = 3_600_000;
let h: Harness;
let clock: TestClock;
/** The time zone the CRM answers now, and how often it was asked. */
let crmZone: string | null;
let reads: number;

const accounts: AccountInfo = {
  timeZone: () => {
    reads++;
    return Promise.resolve(
      crmZone === null ? err(crmError('CRM_UNAVAILABLE', 'The CRM is unavailable.', 503)) : ok(crmZone),
    );
  },
};

beforeEach(async () => {
  // 12:30 UTC on Monday 16 November: already Tuesday 17 November on Kiritimati (UTC+14).
  clock = new TestClock(Date.UTC(2026, 10, 16, 12, 30));
  crmZone = 'Pacific/Kiritimati';
  reads = 0;
  h = await startHarness({ clock, accounts });
  for (const portal of [PORTAL_A, PORTAL_B]) {
    await installPortal(h, portal);
    h.plans.addDeal(portal, DEAL);
  }
  await h.installations.setTimeZone(hubSpotTenant(PORTAL_A), 'Pacific/Kiritimati');
});
afterEach(async () => h.close());

/** Marks the plan's first milestone done with no date: it is completed "today". */
async function completedToday(portalId: number): Promise<string> {
  const caller = { portalId, userId: USER };
  const applied = await callFunction(
    h,
    'apply-template',
    { dealId: DEAL, baseVersion: 0, templateId: 'smb-quick-close', targetCloseDate: '2027-01-29' },
    { caller },
  );
  expect(applied.status).toBe(200);
  const first = applied.body.plan.milestones[0].id as string;
  const done = await callFunction(
    h,
    'update-milestone',
    { dealId: DEAL, milestoneId: first, status: 'done' },
    { caller },
  );
  expect(done.status).toBe(200);
  return done.body.plan.milestones[0].completedDate as string;
}

test("a milestone marked done is completed on the tenant's own day: tomorrow already on Kiritimati, today in UTC for a tenant whose zone is not known yet", async () => {
  expect(await completedToday(PORTAL_A)).toBe('2026-11-17');
  // Portal B's time zone was never read, and the CRM cannot answer now: its day is UTC's.
  crmZone = null;
  expect(await completedToday(PORTAL_B)).toBe('2026-11-16');
});

test('a tenant whose time zone was never read gets it read at its first request', async () => {
  crmZone = 'Asia/Tokyo';
  await callFunction(h, 'get-plan', { dealId: DEAL }, { caller: { portalId: PORTAL_B, userId: USER } });
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect((await h.installations.getInstallation(hubSpotTenant(PORTAL_B)))?.timeZone).toBe('Asia/Tokyo');
});

test('a time zone a day old is read again in the background, once for requests arriving together; the next request uses it', async () => {
  crmZone = 'America/Los_Angeles';
  clock.ms += 25 * HOUR;
  await Promise.all([1, 2, 3].map(() => callFunction(h, 'get-plan', { dealId: DEAL })));
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(reads).toBe(1);
  expect(await h.installations.getInstallation(hubSpotTenant(PORTAL_A))).toMatchObject({
    timeZone: 'America/Los_Angeles',
    timeZoneCheckedAt: clock.ms,
  });
  // 13:30 UTC on Tuesday 17 November is 05:30 on the 17th in Los Angeles.
  expect(await completedToday(PORTAL_A)).toBe('2026-11-17');
});

test('a failed read keeps the recorded time zone and is logged; the request is answered as usual', async () => {
  crmZone = null;
  clock.ms += 25 * HOUR;
  const res = await callFunction(h, 'get-plan', { dealId: DEAL });
  expect(res.status).toBe(200);
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect((await h.installations.getInstallation(hubSpotTenant(PORTAL_A)))?.timeZone).toBe(
    'Pacific/Kiritimati',
  );
  expect(h.logs).toContainEqual(
    expect.objectContaining({
      msg: 'time zone not refreshed',
      accountId: String(PORTAL_A),
      code: 'CRM_UNAVAILABLE',
    }),
  );
});
