/**
 * Attack suite, store level (docs/security.md): a deal's `map_plan` header is a deal property anyone with
 * edit rights on deals can change (a user in HubSpot, an import, a workflow). Whatever it says, the store
 * never archives, updates or moves another deal's milestone records, and a plan never becomes unreadable
 * through the app's own calls. Each test fails on the store before these rules (issue 10, items 1, 3, 13).
 */
import { HubSpotPlanLifecycle } from '../../src/adapters/hubspot/plan-lifecycle.js';
import { HubSpotPlanStore, type PortalStoreConfig } from '../../src/adapters/hubspot/plan-store.js';
import { provisionPortal } from '../../src/adapters/hubspot/provision.js';
import { addMilestone, removeMilestone, setValueSummary } from '../../src/domain/edits.js';
import type { DealRef, Plan } from '../../src/domain/model.js';
import { project } from '../../src/domain/project.js';
import { ctx, planWith, TODAY } from './fixtures.js';
import { ENTERPRISE_SCOPES, FAST_RETRY, startHarness, type Harness } from './harness.js';

function must<T>(res: { ok: true; value: T } | { ok: false; error: unknown }): T {
  if (!res.ok) throw new Error(`expected success, got ${JSON.stringify(res.error)}`);
  return res.value;
}

describe('plan integrity against tampered headers (custom-object mode, real store against the sandbox)', () => {
  let h: Harness;
  let store: HubSpotPlanStore;
  let lifecycle: HubSpotPlanLifecycle;
  let objectType: string;

  beforeAll(async () => {
    // Our throttle's 100 calls per 10 s would make this suite wait; the sandbox's own limit is off too.
    h = await startHarness({}, FAST_RETRY, { perWindow: 10_000, windowMs: 10_000, searchPerSecond: 4 });
    const report = must(await provisionPortal(h.transport, h.demoPortalId, { scopes: ENTERPRISE_SCOPES }));
    objectType = report.milestoneObjectTypeId ?? '';
    const config: PortalStoreConfig = {
      storageMode: 'custom_object',
      writeNativeForecast: false,
      milestoneObjectType: objectType,
    };
    store = new HubSpotPlanStore({ transport: h.transport, portalConfig: () => Promise.resolve(config) });
    lifecycle = new HubSpotPlanLifecycle({
      transport: h.transport,
      portalConfig: () => Promise.resolve(config),
    });
  });
  afterAll(() => h.close());

  /** A saved plan of a chain of `n` milestones plus one, `extra`, that nothing depends on. */
  async function newPlan(n = 5): Promise<{ deal: DealRef; plan: Plan }> {
    const deal: DealRef = {
      crm: 'hubspot',
      accountId: h.demoPortalId,
      dealId: await h.newDeal(h.demoPortalId),
    };
    const first = must(
      addMilestone(
        planWith(deal, n),
        { id: 'extra', title: 'Extra step', dueDate: '2026-11-19', sellerOwnerId: 's-seller' },
        ctx(),
      ),
    ).plan;
    return { deal, plan: must(await store.save({ plan: first, projection: project(first, TODAY) })).plan };
  }
  const save = async (plan: Plan): Promise<Plan> =>
    must(await store.save({ plan, projection: project(plan, TODAY) })).plan;
  const loaded = async (deal: DealRef): Promise<Plan> => {
    const stored = must(await store.load(deal));
    if (stored === null) throw new Error('no plan');
    return stored.plan;
  };
  interface RawHeader {
    milestones: { id: string; recordId: string }[];
    retired: string[];
  }
  const header = async (deal: DealRef): Promise<RawHeader> => {
    const res = await h.raw(
      h.demoPortalId,
      'GET',
      `/crm/v3/objects/deals/${deal.dealId}?properties=map_plan,map_plan_version`,
    );
    return JSON.parse(String(res.body.properties.map_plan)) as RawHeader;
  };
  const setHeader = async (deal: DealRef, value: unknown, version?: string): Promise<void> => {
    const properties: Record<string, string> = { map_plan: JSON.stringify(value) };
    if (version !== undefined) properties.map_plan_version = version;
    const res = await h.raw(h.demoPortalId, 'PATCH', `/crm/v3/objects/deals/${deal.dealId}`, { properties });
    expect(res.status).toBe(200);
  };
  const liveRecordIds = async (deal: DealRef): Promise<string[]> => {
    const h1 = await header(deal);
    const ids = h1.milestones.map((m) => m.recordId);
    const res = await h.raw(h.demoPortalId, 'POST', `/crm/v3/objects/${objectType}/batch/read`, {
      properties: ['map_key'],
      inputs: ids.map((id) => ({ id })),
    });
    return (res.body.results as { id: string }[]).map((r) => r.id).sort();
  };

  it("does not archive another deal's records named in the header's retired list", async () => {
    const victim = await newPlan(6);
    const target = await newPlan(3);
    const victimIds = await liveRecordIds(victim.deal);
    expect(victimIds).toHaveLength(7);
    const tampered = await header(target.deal);
    tampered.retired = victimIds.slice(0, 5);
    await setHeader(target.deal, tampered);
    // Two saves: the first would archive the listed records, the second would find them gone.
    const edited = must(setValueSummary(await loaded(target.deal), { valueSummary: 'First.' }, ctx())).plan;
    const again = must(setValueSummary(await save(edited), { valueSummary: 'Second.' }, ctx())).plan;
    await save(again);
    expect(await liveRecordIds(victim.deal)).toEqual(victimIds);
    expect(await loaded(victim.deal)).toEqual(victim.plan);
    expect((await header(target.deal)).retired).toEqual([]);
  });

  it("does not archive another deal's record when a swapped recordId is removed, and heals the header", async () => {
    const victim = await newPlan(4);
    const target = await newPlan(4);
    const victimIds = await liveRecordIds(victim.deal);
    const tampered = await header(target.deal);
    tampered.milestones.find((m) => m.id === 'extra')!.recordId = victimIds[0]!;
    await setHeader(target.deal, tampered);
    // Loading reads by map_key, so the swapped id changes nothing that loads.
    expect(await loaded(target.deal)).toEqual(target.plan);
    const removed = must(removeMilestone(await loaded(target.deal), { milestoneId: 'extra' }, ctx())).plan;
    const afterRemove = await save(removed);
    await save(must(setValueSummary(afterRemove, { valueSummary: 'Next.' }, ctx())).plan);
    expect(await liveRecordIds(victim.deal)).toEqual(victimIds);
    expect(await loaded(victim.deal)).toEqual(victim.plan);
  });

  it('removing a milestone and adding it back with the same id in the next save keeps the plan readable', async () => {
    const { deal, plan } = await newPlan(4);
    const removed = await save(must(removeMilestone(plan, { milestoneId: 'extra' }, ctx())).plan);
    const readded = must(
      addMilestone(
        removed,
        { id: 'extra', title: 'Back again', dueDate: '2026-11-24', sellerOwnerId: 's-seller' },
        ctx(),
      ),
    ).plan;
    const saved = await save(readded);
    expect(await loaded(deal)).toEqual(saved);
    // And once more, so that a later save's archive pass runs over the same record.
    const later = await save(must(setValueSummary(saved, { valueSummary: 'Later.' }, ctx())).plan);
    const reloaded = await loaded(deal);
    expect(reloaded).toEqual(later);
    expect(reloaded.milestones.find((m) => m.id === 'extra')?.title).toBe('Back again');
  });

  it("a deletion webhook for a deal whose header names another deal's records archives none of them", async () => {
    const victim = await newPlan(4);
    const doomed = await newPlan(2);
    const victimIds = await liveRecordIds(victim.deal);
    const tampered = await header(doomed.deal);
    tampered.retired = victimIds;
    tampered.milestones[0]!.recordId = victimIds[0]!;
    await setHeader(doomed.deal, tampered);
    expect(
      (await h.raw(h.demoPortalId, 'DELETE', `/crm/v3/objects/deals/${doomed.deal.dealId}`)).status,
    ).toBe(204);
    const outcome = must(await lifecycle.archiveDealPlan(doomed.deal));
    expect(outcome.archivedMilestones).toBe(2); // m-2's and extra's own records; m-1's slot points at the victim's
    expect(await liveRecordIds(victim.deal)).toEqual(victimIds);
    expect(await loaded(victim.deal)).toEqual(victim.plan);
  });

  it("a merge never moves another deal's records named in the kept plan's header", async () => {
    const victim = await newPlan(3);
    const merged = await newPlan(2);
    const survivor: DealRef = { ...merged.deal, dealId: await h.newDeal(h.demoPortalId) };
    const victimIds = await liveRecordIds(victim.deal);
    const tampered = await header(merged.deal);
    tampered.milestones[0]!.recordId = victimIds[0]!;
    await setHeader(merged.deal, tampered);
    must(
      await lifecycle.reconcileMerge({
        survivor,
        primaryDealId: merged.deal.dealId,
        mergedDealIds: [merged.deal.dealId],
      }),
    );
    expect(await liveRecordIds(victim.deal)).toEqual(victimIds);
    expect(await loaded(victim.deal)).toEqual(victim.plan);
  });

  it.each([['-5'], ['1e300'], ['2.5'], ['2'], ['9007199254740991'], ['1125899906842624']])(
    'a map_plan_version edited to %s loads at the version the header records, and the next save goes above it',
    async (tamperedVersion) => {
      const { deal, plan } = await newPlan(3);
      const v2 = await save(must(setValueSummary(plan, { valueSummary: 'Two.' }, ctx())).plan);
      const v3 = await save(must(setValueSummary(v2, { valueSummary: 'Three.' }, ctx())).plan);
      expect(v3.version).toBe(3);
      await setHeader(deal, await header(deal), tamperedVersion);
      const stored = must(await store.load(deal));
      expect(stored?.plan.version).toBe(3);
      expect(stored?.problems.join(' ')).toMatch(/map_plan_version/);
      // A save based on an older version is still a conflict; one based on 3 writes 4.
      const stale = await store.save({
        plan: { ...v2, valueSummary: 'Stale.' },
        projection: project(v2, TODAY),
      });
      expect(!stale.ok && stale.error.code).toBe('VERSION_CONFLICT');
      const v4 = await save(must(setValueSummary(stored!.plan, { valueSummary: 'Four.' }, ctx())).plan);
      expect(v4.version).toBe(4);
      expect(must(await store.load(deal))?.problems).toEqual([]);
    },
  );

  it('a record whose map_deal_id was changed to another deal is left out and reported; the next save heals the plan', async () => {
    const { deal, plan } = await newPlan(4);
    const ids = await liveRecordIds(deal);
    const h1 = await header(deal);
    const m2 = h1.milestones.find((m) => m.id === 'm-2')!.recordId;
    expect(ids).toContain(m2);
    await h.raw(h.demoPortalId, 'PATCH', `/crm/v3/objects/${objectType}/${m2}`, {
      properties: { map_deal_id: '1' },
    });
    const partial = must(await store.load(deal));
    expect(partial?.plan.milestones.map((m) => m.id)).toEqual(['m-1', 'm-3', 'm-4', 'extra']);
    // m-3 depended on m-2: it depends on nothing left out.
    expect(partial?.plan.milestones.find((m) => m.id === 'm-3')?.dependsOn).toEqual([]);
    expect(partial?.problems.join(' ')).toMatch(/milestone m-2: record \d+ does not belong to this deal/);
    const healed = await save(must(setValueSummary(partial!.plan, { valueSummary: 'Healed.' }, ctx())).plan);
    const after = must(await store.load(deal));
    expect(after?.problems).toEqual([]);
    expect(after?.plan).toEqual(healed);
    expect(plan.milestones).toHaveLength(5);
  });

  it("never overwrites a record of another deal whose map_key was edited to this deal's key; the save says why and writes nothing", async () => {
    const other = await newPlan(2);
    const target = await newPlan(2);
    const otherIds = await liveRecordIds(other.deal);
    const taken = otherIds[0]!;
    const before = await h.raw(
      h.demoPortalId,
      'GET',
      `/crm/v3/objects/${objectType}/${taken}?properties=map_key,map_deal_id,map_title`,
    );
    await h.raw(h.demoPortalId, 'PATCH', `/crm/v3/objects/${objectType}/${taken}`, {
      properties: { map_key: `${target.deal.dealId}:newstep` },
    });
    const added = must(
      addMilestone(
        target.plan,
        { id: 'newstep', title: 'Written by the target', dueDate: '2026-11-25', sellerOwnerId: 's-seller' },
        ctx(),
      ),
    ).plan;
    const refused = await store.save({ plan: added, projection: project(added, TODAY) });
    expect(!refused.ok && refused.error.code).toBe('CRM_CONFLICT');
    expect(!refused.ok && refused.error.message).toMatch(
      new RegExp(`belong to another deal.*record ${taken}, map_deal_id ${other.deal.dealId}`),
    );
    const after = await h.raw(
      h.demoPortalId,
      'GET',
      `/crm/v3/objects/${objectType}/${taken}?properties=map_key,map_deal_id,map_title`,
    );
    expect(after.body.properties.map_title).toBe(before.body.properties.map_title);
    expect(after.body.properties.map_deal_id).toBe(other.deal.dealId);
    expect(await loaded(target.deal)).toEqual(target.plan);
  });
});
