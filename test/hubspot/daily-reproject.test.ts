/**
 * The daily reprojection — functions/daily-reproject.ts over the HubSpot PlanScan and the SQL next-change
 * index (SQLite) — against the sandbox CRM in both storage modes: the full pass seeds the index; days later
 * the due pass reads only the deals whose date has come (one batch read, no listing), writes exactly the
 * deals whose fields changed, records their next dates, and leaves nothing stale (a full scan afterwards
 * finds nothing to write); a deleted deal is forgotten.
 */
import { jest } from '@jest/globals';
import { dailyReproject, type DailyReprojectInput } from '../../functions/daily-reproject.js';
import { nextWorkDate } from '../../functions/next-work.js';
import { reprojectTenant } from '../../functions/reproject-tenant.js';
import { migrate } from '../../src/adapters/db/migrations.js';
import { SqlPlanSchedule } from '../../src/adapters/db/plan-schedule.js';
import type { SqlDatabase } from '../../src/adapters/db/sql.js';
import { openSqlite } from '../../src/adapters/db/sqlite.js';
import { HubSpotPlanScan } from '../../src/adapters/hubspot/plan-scan.js';
import { HubSpotPlanStore, type PortalStoreConfig } from '../../src/adapters/hubspot/plan-store.js';
import { hubSpotTenant } from '../../src/adapters/hubspot/tenant.js';
import { addDays } from '../../src/domain/dates.js';
import type { DealRef, Plan } from '../../src/domain/model.js';
import { changedFields, project } from '../../src/domain/project.js';
import { captureRequests, planWith, TODAY, type SeenRequest } from './fixtures.js';
import { provisionedPortal, realClock, startHarness, type Harness } from './harness.js';

function must<T>(res: { ok: true; value: T } | { ok: false; error: unknown }): T {
  if (!res.ok) throw new Error(`expected success, got ${JSON.stringify(res.error)}`);
  return res.value;
}

// About 2 s alone (two sandbox portals, ten plans saved, four passes); more beside the rest of the suite.
jest.setTimeout(30_000);

const LATER = addDays(TODAY, 20);
const PLANS = 10;

/** planWith's plan of 5 milestones with every date `offset` days later. */
function shifted(deal: DealRef, offset: number): Plan {
  const plan = planWith(deal, 5);
  return {
    ...plan,
    targetCloseDate: plan.targetCloseDate === null ? null : addDays(plan.targetCloseDate, offset),
    milestones: plan.milestones.map((m) => ({
      ...m,
      dueDate: addDays(m.dueDate, offset),
      baselineDueDate: addDays(m.baselineDueDate, offset),
    })),
  };
}

let h: Harness;
let db: SqlDatabase;
let schedule: SqlPlanSchedule;
let seen: SeenRequest[];

beforeEach(async () => {
  h = await startHarness();
  db = openSqlite(':memory:');
  await migrate(db, realClock.now());
  schedule = new SqlPlanSchedule({ db, clock: realClock });
  seen = captureRequests(h.transport);
});
afterEach(async () => {
  await db.close();
  await h.close();
});

const sorted = (ids: Iterable<string>): string[] => [...ids].sort();
const requests = (method: string, path: string): SeenRequest[] =>
  seen.filter((s) => s.req.method === method && s.req.path === path);
const inputIds = (list: readonly SeenRequest[]): string[] =>
  list.flatMap((s) => (s.req.body as { inputs: { id: string }[] }).inputs.map((i) => i.id));

describe.each(['custom_object', 'document'] as const)('in %s mode', (mode) => {
  let portalId: string;
  let config: PortalStoreConfig;
  let scan: HubSpotPlanScan;

  beforeEach(async () => {
    ({ portalId, config } = await provisionedPortal(h, mode));
    scan = new HubSpotPlanScan({ transport: h.transport, portalConfig: () => Promise.resolve(config) });
  });

  /** PLANS deals with plans saved (projected for TODAY), dates 0, 3, 6, … days later, and 3 without a plan. */
  async function seed(): Promise<Plan[]> {
    const store = new HubSpotPlanStore({
      transport: h.transport,
      portalConfig: () => Promise.resolve(config),
    });
    const plans: Plan[] = [];
    for (let i = 0; i < PLANS; i++) {
      const deal: DealRef = {
        crm: 'hubspot',
        accountId: portalId,
        dealId: await h.newDeal(portalId, `D${i}`),
      };
      const plan = shifted(deal, i * 3);
      plans.push(must(await store.save({ plan, projection: project(plan, TODAY) })).plan);
    }
    for (let i = 0; i < 3; i++) await h.newDeal(portalId, `No plan ${i}`);
    return plans;
  }

  /** The index as stored: deal id → next change date. */
  const recorded = async (): Promise<Map<string, string | null>> => {
    const { rows } = await db.query('SELECT deal_id, next_change FROM plan_schedule WHERE account_id = $1', [
      portalId,
    ]);
    return new Map(
      rows.map((r) => [String(r.deal_id), typeof r.next_change === 'string' ? r.next_change : null]),
    );
  };

  const run = (input: Omit<DailyReprojectInput, 'tenant'>) =>
    dailyReproject({ scan, schedule, clock: realClock }, { tenant: hubSpotTenant(portalId), ...input });

  it('the due pass reads only the due plans in one batch read, writes exactly the changed deals and records their next dates', async () => {
    const plans = await seed();
    const full = must(await run({ today: TODAY, kind: 'full' }));
    expect(full).toMatchObject({ read: PLANS, scheduled: PLANS, changed: 0, forgotten: 0, failed: 0 });
    expect(await recorded()).toEqual(new Map(plans.map((p) => [p.deal.dealId, nextWorkDate(p, TODAY)])));
    const due = plans.filter((p) => (nextWorkDate(p, TODAY) ?? '9999') <= LATER);
    const changed = plans.filter(
      (p) => Object.keys(changedFields(project(p, TODAY), project(p, LATER))).length > 0,
    );
    // The case this test is about: some plans are not due (not read at all), some due plans change.
    expect(due.length).toBeGreaterThan(0);
    expect(due.length).toBeLessThan(PLANS);
    expect(changed.length).toBeGreaterThan(0);

    seen.length = 0;
    const report = must(await run({ today: LATER, kind: 'due', writeBatchSize: 3 }));
    expect(report).toMatchObject({
      kind: 'due',
      scanned: due.length,
      read: due.length,
      changed: changed.length,
      written: changed.length,
      failed: 0,
      scheduled: due.length,
      forgotten: 0,
      total: due.length,
    });
    // No listing: one batch read of exactly the due deals, then (custom objects) their milestones only.
    expect(requests('GET', '/crm/v3/objects/deals')).toHaveLength(0);
    const dealReads = requests('POST', '/crm/v3/objects/deals/batch/read');
    expect(dealReads).toHaveLength(1);
    expect(sorted(inputIds(dealReads))).toEqual(sorted(due.map((p) => p.deal.dealId)));
    const milestoneReads = seen.filter(
      (s) => s.req.path.endsWith('/batch/read') && !s.req.path.startsWith('/crm/v3/objects/deals/'),
    );
    expect(inputIds(milestoneReads)).toHaveLength(mode === 'custom_object' ? due.length * 5 : 0);
    const updates = requests('POST', '/crm/v3/objects/deals/batch/update');
    expect(sorted(inputIds(updates))).toEqual(sorted(changed.map((p) => p.deal.dealId)));
    expect(updates).toHaveLength(Math.ceil(changed.length / 3));
    expect(seen).toHaveLength(dealReads.length + milestoneReads.length + updates.length);

    // Due plans now carry their next date after LATER; the others kept theirs.
    expect(await recorded()).toEqual(
      new Map(plans.map((p) => [p.deal.dealId, nextWorkDate(p, due.includes(p) ? LATER : TODAY)])),
    );
    expect(await schedule.stats(hubSpotTenant(portalId), LATER)).toMatchObject({ tracked: PLANS, due: 0 });

    // Nothing was left stale: a scan of every deal on LATER finds nothing to write.
    seen.length = 0;
    const check = must(
      await reprojectTenant({ scan, clock: realClock }, { tenant: hubSpotTenant(portalId), today: LATER }),
    );
    expect(check).toMatchObject({ withPlans: PLANS, changed: 0, written: 0 });
  });

  it('a due deal deleted in the CRM is forgotten, and the next due pass reads nothing', async () => {
    const [plan] = await seed();
    const tenant = hubSpotTenant(portalId);
    must(await run({ today: TODAY, kind: 'full' }));
    const deal = plan!.deal;
    expect((await h.raw(portalId, 'DELETE', `/crm/v3/objects/deals/${deal.dealId}`)).status).toBe(204);
    await schedule.record([{ deal, nextChange: TODAY }]);

    const report = must(await run({ today: TODAY, kind: 'due' }));
    expect(report).toMatchObject({ scanned: 1, read: 0, forgotten: 1, failed: 0 });
    expect(await schedule.stats(tenant, TODAY)).toMatchObject({ tracked: PLANS - 1, due: 0 });
    seen.length = 0;
    expect(must(await run({ today: TODAY, kind: 'due' }))).toMatchObject({ scanned: 0, read: 0 });
    expect(seen).toHaveLength(0);
  });
});
