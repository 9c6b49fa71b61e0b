/**
 * Bulk reprojection — the reproject-tenant use case over the HubSpot PlanScan — against the sandbox CRM in
 * both storage modes: time moves on, some plans become overdue, exactly those deals are written; a second run
 * writes nothing; a failed write batch is reported and the rest are written.
 */
import {
  formatProgress,
  reprojectTenant,
  type ReprojectProgress,
  type ReprojectTenantInput,
} from '../../functions/reproject-tenant.js';
import { HubSpotPlanScan } from '../../src/adapters/hubspot/plan-scan.js';
import { HubSpotPlanStore, type PortalStoreConfig } from '../../src/adapters/hubspot/plan-store.js';
import { provisionPortal } from '../../src/adapters/hubspot/provision.js';
import { hubSpotTenant } from '../../src/adapters/hubspot/tenant.js';
import { addDays } from '../../src/domain/dates.js';
import type { DealRef, Plan } from '../../src/domain/model.js';
import { changedFields, project } from '../../src/domain/project.js';
import type { CrmRequest } from '../../src/adapters/hubspot/transport.js';
import { captureRequests, planWith, TODAY, type SeenRequest } from './fixtures.js';
import { ENTERPRISE_SCOPES, PROFESSIONAL_SCOPES, realClock, startHarness, type Harness } from './harness.js';

function must<T>(res: { ok: true; value: T } | { ok: false; error: unknown }): T {
  if (!res.ok) throw new Error(`expected success, got ${JSON.stringify(res.error)}`);
  return res.value;
}

const LATER = addDays(TODAY, 20);
const PLANS = 10;

/** A plan whose dates are `offset` days later than planWith's. */
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
let seen: SeenRequest[];
const config = new Map<string, PortalStoreConfig>();
let docPortal: string;

beforeEach(async () => {
  // A short search lag (HubSpot's is "a few moments"; the sandbox's default 1 s): the test still has to wait
  // for the index before it compares the count search's estimate, only for less time.
  h = await startHarness({ searchIndexLagMs: 250 });
  const co = must(await provisionPortal(h.transport, h.demoPortalId, { scopes: ENTERPRISE_SCOPES }));
  config.set(h.demoPortalId, {
    storageMode: 'custom_object',
    writeNativeForecast: false,
    milestoneObjectType: co.milestoneObjectTypeId!,
  });
  docPortal = await h.newPortal('professional');
  must(await provisionPortal(h.transport, docPortal, { scopes: PROFESSIONAL_SCOPES }));
  config.set(docPortal, { storageMode: 'document', writeNativeForecast: false });
  seen = captureRequests(h.transport);
});
afterEach(() => h.close());

/** PLANS deals with plans saved (projected for TODAY), dates 0, 3, 6, … days later, and 3 deals without a plan. */
async function seed(portalId: string): Promise<Plan[]> {
  const store = new HubSpotPlanStore({
    transport: h.transport,
    portalConfig: (id) => Promise.resolve(config.get(id)!),
  });
  const plans: Plan[] = [];
  for (let i = 0; i < PLANS; i++) {
    const deal: DealRef = {
      crm: 'hubspot',
      accountId: portalId,
      dealId: await h.newDeal(portalId, `Deal ${i}`),
    };
    const plan = shifted(deal, i * 3);
    plans.push(must(await store.save({ plan, projection: project(plan, TODAY) })).plan);
  }
  for (let i = 0; i < 3; i++) await h.newDeal(portalId, `No plan ${i}`);
  return plans;
}

/** The use case over the HubSpot PlanScan of the harness's transport, with the portals' configurations. */
const reproject = async (input: ReprojectTenantInput) =>
  reprojectTenant(
    {
      scan: new HubSpotPlanScan({
        transport: h.transport,
        portalConfig: (id) => Promise.resolve(config.get(id)!),
      }),
      clock: realClock,
    },
    input,
  );

const writtenDealIds = (): string[] =>
  seen
    .filter((s) => s.req.method === 'POST' && s.req.path === '/crm/v3/objects/deals/batch/update')
    .flatMap((s) => (s.req.body as { inputs: { id: string }[] }).inputs.map((i) => i.id))
    .sort();

describe.each([
  ['custom_object', () => h.demoPortalId],
  ['document', () => docPortal],
])('in %s mode', (mode, portal) => {
  it('writes exactly the deals whose fields changed when time moves on, in batches, and a second run writes nothing', async () => {
    const plans = await seed(portal());
    // The total estimate comes from search, whose index lags writes (HubSpot: new records "may take a few
    // moments" to appear in search): wait for it, as a caller would live, before comparing the estimate.
    await h.waitForSearchIndex(portal());
    const expected = plans
      .filter((p) => Object.keys(changedFields(project(p, TODAY), project(p, LATER))).length > 0)
      .map((p) => p.deal.dealId)
      .sort();
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(PLANS);

    seen.length = 0;
    const progress: ReprojectProgress[] = [];
    const options = { tenant: hubSpotTenant(portal()), today: LATER, writeBatchSize: 3, pageSize: 4 };
    const run = await reproject({ ...options, onProgress: (p) => void progress.push(p) });
    // Not stopped early: every page was listed.
    expect(run.ok).toBe(true);
    const first = must(run);
    expect(first).toMatchObject({
      withPlans: PLANS,
      changed: expected.length,
      written: expected.length,
      failed: 0,
      failures: [],
    });
    expect(first.scanned).toBeGreaterThanOrEqual(PLANS + 3);
    expect(first.totalEstimate).toBe(first.scanned);
    expect(writtenDealIds()).toEqual(expected);
    const batches = seen.filter((s) => s.req.path === '/crm/v3/objects/deals/batch/update');
    expect(batches).toHaveLength(Math.ceil(expected.length / 3));
    // Custom-object mode reads the milestones of each page's plans in one batch across its deals.
    const pages = seen.filter((s) => s.req.method === 'GET' && s.req.path === '/crm/v3/objects/deals');
    expect(pages).toHaveLength(Math.ceil(first.scanned / 4));
    const reads = seen
      .filter((s) => s.req.path.endsWith('/batch/read'))
      .map((s) => (s.req.body as { inputs: unknown[] }).inputs.length);
    expect(reads.reduce((a, b) => a + b, 0)).toBe(mode === 'custom_object' ? PLANS * 5 : 0);
    expect(reads.length).toBeLessThanOrEqual(pages.length);
    expect(seen.some((s) => s.req.method === 'PATCH')).toBe(false);
    expect(progress.at(-1)).toMatchObject({ written: expected.length, scanned: first.scanned });
    expect(formatProgress(progress.at(-1)!)).toMatch(/scanned \d+ of ~\d+ deals, 10 with plans/);

    // The deals hold the new projection, and the plans were not touched (same version).
    for (const plan of plans) {
      const deal = await h.raw(
        portal(),
        'GET',
        `/crm/v3/objects/deals/${plan.deal.dealId}?properties=map_overdue_count,map_health,map_plan_version`,
      );
      expect(deal.body.properties.map_overdue_count).toBe(String(project(plan, LATER).overdueCount));
      expect(deal.body.properties.map_health).toBe(project(plan, LATER).health);
      expect(deal.body.properties.map_plan_version).toBe('1');
    }

    seen.length = 0;
    const second = must(await reproject(options));
    expect(second).toMatchObject({ withPlans: PLANS, changed: 0, written: 0, failed: 0 });
    expect(writtenDealIds()).toEqual([]);
  });
});

it('reports a write batch that fails (sandbox 503s) with its deals, writes the other batches, and the next run writes only the failed ones', async () => {
  const portalId = h.demoPortalId;
  const plans = await seed(portalId);
  const expected = plans
    .filter((p) => Object.keys(changedFields(project(p, TODAY), project(p, LATER))).length > 0)
    .map((p) => p.deal.dealId);
  expect(expected.length).toBeGreaterThanOrEqual(3);

  // The second batch update meets a sandbox that answers 503 to everything until it has failed for good.
  const original = h.transport.request.bind(h.transport);
  let updates = 0;
  h.transport.request = async <T>(req: CrmRequest<T>) => {
    if (!req.path.endsWith('/deals/batch/update') || ++updates !== 2) return original(req);
    await h.setFaults(portalId, { seed: 1, unavailable: 1 });
    try {
      return await original(req);
    } finally {
      await h.setFaults(portalId, null);
    }
  };
  const options = { tenant: hubSpotTenant(portalId), today: LATER, writeBatchSize: 2 };
  const first = must(await reproject(options));
  expect(first.failed).toBe(2);
  expect(first.written).toBe(expected.length - 2);
  expect(first.failures).toEqual([
    { dealIds: expect.any(Array), reason: expect.stringMatching(/^CRM_UNAVAILABLE/) },
  ]);
  const failedIds = [...first.failures[0]!.dealIds].sort();
  expect(failedIds).toEqual(expect.arrayContaining([expect.any(String)]));
  expect(failedIds.every((id) => expected.includes(id))).toBe(true);

  seen.length = 0;
  const second = must(await reproject(options));
  expect(second).toMatchObject({ changed: 2, written: 2, failed: 0 });
  expect(writtenDealIds()).toEqual(failedIds);
});

it('writes hs_forecast_probability, once, on every deal where it does not follow the close probability when the portal opted in', async () => {
  const portalId = h.demoPortalId;
  const plans = await seed(portalId);
  config.set(portalId, { ...config.get(portalId)!, writeNativeForecast: true });
  const options = { tenant: hubSpotTenant(portalId), today: TODAY, estimateTotal: false };

  // Same day: no map_* value changed, but the native field was never written (the setting was just turned on).
  seen.length = 0;
  const first = must(await reproject(options));
  expect(first).toMatchObject({ withPlans: PLANS, changed: PLANS, written: PLANS, failed: 0 });
  const inputs = seen
    .filter((s) => s.req.path === '/crm/v3/objects/deals/batch/update')
    .flatMap((s) => (s.req.body as { inputs: { id: string; properties: Record<string, string> }[] }).inputs);
  for (const plan of plans) {
    const p = project(plan, TODAY).closeProbability;
    expect(inputs.find((i) => i.id === plan.deal.dealId)?.properties).toEqual({
      map_close_probability: String(p),
      hs_forecast_probability: String(p / 100),
    });
  }

  seen.length = 0;
  expect(must(await reproject(options))).toMatchObject({ changed: 0, written: 0 });
  expect(writtenDealIds()).toEqual([]);
});
