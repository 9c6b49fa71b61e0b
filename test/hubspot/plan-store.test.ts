import { HubSpotPlanStore, type PortalStoreConfig } from '../../src/adapters/hubspot/plan-store.js';
import { provisionPortal } from '../../src/adapters/hubspot/provision.js';
import { PROPERTY_VALUE_LIMIT } from '../../src/adapters/hubspot/stored-plan.js';
import {
  setMilestoneStatus,
  updateMilestone,
  addMilestone,
  removeMilestone,
  setValueSummary,
} from '../../src/domain/edits.js';
import type { DealRef, Plan } from '../../src/domain/model.js';
import { project } from '../../src/domain/project.js';
import { changesSince, type StoredPlan } from '../../src/ports/plan-store.js';
import { anActivityEntry } from '../../src/domain/test-factories.js';
import {
  callsByKind,
  captureRequests,
  ctx,
  planWith,
  roundTrips,
  TODAY,
  type SeenRequest,
} from './fixtures.js';
import { ENTERPRISE_SCOPES, PROFESSIONAL_SCOPES, startHarness, type Harness } from './harness.js';

function must<T>(res: { ok: true; value: T } | { ok: false; error: unknown }): T {
  if (!res.ok) throw new Error(`expected success, got ${JSON.stringify(res.error)}`);
  return res.value;
}

const edit = (res: ReturnType<typeof updateMilestone>): Plan => must(res).plan;

describe('HubSpotPlanStore against the sandbox CRM', () => {
  let h: Harness;
  let seen: SeenRequest[];
  let coConfig: PortalStoreConfig;
  let docPortal: string;
  const config = new Map<string, PortalStoreConfig>();
  let store: HubSpotPlanStore;

  beforeEach(async () => {
    h = await startHarness();
    const co = must(await provisionPortal(h.transport, h.demoPortalId, { scopes: ENTERPRISE_SCOPES }));
    if (co.milestoneObjectTypeId === null) throw new Error('the demo portal should get the milestone object');
    coConfig = {
      storageMode: 'custom_object',
      writeNativeForecast: false,
      milestoneObjectType: co.milestoneObjectTypeId,
    };
    config.set(h.demoPortalId, coConfig);
    docPortal = await h.newPortal('professional');
    const doc = must(await provisionPortal(h.transport, docPortal, { scopes: PROFESSIONAL_SCOPES }));
    expect(doc.storageMode).toBe('document');
    config.set(docPortal, { storageMode: 'document', writeNativeForecast: false });
    store = new HubSpotPlanStore({
      transport: h.transport,
      portalConfig: (id) => Promise.resolve(config.get(id)!),
    });
    seen = captureRequests(h.transport);
  });
  afterEach(() => h.close());

  async function newDeal(portalId: string): Promise<DealRef> {
    return { crm: 'hubspot', accountId: portalId, dealId: await h.newDeal(portalId) };
  }

  async function save(plan: Plan): Promise<StoredPlan> {
    return must(await store.save({ plan, projection: project(plan, TODAY) }));
  }

  async function load(deal: DealRef): Promise<Plan> {
    const loaded = must(await store.load(deal));
    if (loaded === null) throw new Error('no plan');
    return loaded.plan;
  }

  const patchBodies = (): Record<string, string>[] =>
    seen
      .filter((s) => s.req.method === 'PATCH')
      .map((s) => (s.req.body as { properties: Record<string, string> }).properties);

  describe.each([
    ['custom_object', () => h.demoPortalId],
    ['document', () => docPortal],
  ])('in %s mode', (mode, portal) => {
    it('saves a new plan and loads exactly the same plan back, at version 1', async () => {
      const deal = await newDeal(portal());
      const plan = planWith(deal, 6);
      const saved = await save(plan);
      expect(saved.plan.version).toBe(1);
      const loaded = must(await store.load(deal));
      expect(loaded?.plan).toEqual({ ...plan, version: 1 });
      expect(loaded?.writtenProjection).toEqual(saved.writtenProjection);
      expect(seen.some((s) => s.req.path.includes('map_milestone') || /2-\d+/.test(s.req.path))).toBe(
        mode === 'custom_object',
      );
    });

    it('loads null for a deal without a plan and DEAL_NOT_FOUND for a deal that does not exist', async () => {
      const deal = await newDeal(portal());
      expect(must(await store.load(deal))).toBeNull();
      const missing = await store.load({ ...deal, dealId: '999999999' });
      expect(!missing.ok && missing.error.code).toBe('DEAL_NOT_FOUND');
    });

    it('applies a sequence of edits (status, update, add, remove) and each reload shows the saved plan', async () => {
      const deal = await newDeal(portal());
      let plan = (await save(planWith(deal, 4))).plan;
      const edits = [
        (p: Plan) => edit(setMilestoneStatus(p, { milestoneId: 'm-2', status: 'in_progress' }, ctx())),
        (p: Plan) =>
          edit(updateMilestone(p, { milestoneId: 'm-3', patch: { description: 'Longer text' } }, ctx())),
        (p: Plan) =>
          edit(
            addMilestone(
              p,
              { id: 'm-extra', title: 'Extra', dueDate: '2026-12-30', sellerOwnerId: 's-seller' },
              ctx(),
            ),
          ),
        (p: Plan) => edit(removeMilestone(p, { milestoneId: 'm-extra' }, ctx())),
        (p: Plan) => edit(setValueSummary(p, { valueSummary: 'A new summary.' }, ctx())),
      ];
      for (const apply of edits) {
        const next = apply(plan);
        plan = (await save(next)).plan;
        expect(await load(deal)).toEqual(plan);
      }
      expect(plan.version).toBe(6);
    });
  });

  it('keeps one record per milestone keyed by deal and milestone id, associated with the deal, and archives removed ones at the next save', async () => {
    const deal = await newDeal(h.demoPortalId);
    let plan = (await save(planWith(deal, 3))).plan;
    const type = coConfig.milestoneObjectType!;
    const assoc = await h.raw(
      h.demoPortalId,
      'GET',
      `/crm/v4/objects/deals/${deal.dealId}/associations/${type}`,
    );
    expect(assoc.body.results).toHaveLength(3);
    const read = await h.raw(h.demoPortalId, 'POST', `/crm/v3/objects/${type}/batch/read`, {
      idProperty: 'map_key',
      properties: ['map_key', 'map_title'],
      inputs: [{ id: `${deal.dealId}:m-2` }],
    });
    expect(read.body.results[0].properties.map_title).toBe('Milestone 2');

    // m-3 is the close milestone and m-2 has a dependent: make m-2 removable first.
    plan = (await save(edit(updateMilestone(plan, { milestoneId: 'm-3', patch: { dependsOn: [] } }, ctx()))))
      .plan;
    plan = (await save(edit(removeMilestone(plan, { milestoneId: 'm-2' }, ctx())))).plan;
    const afterRemove = await h.raw(
      h.demoPortalId,
      'GET',
      `/crm/v4/objects/deals/${deal.dealId}/associations/${type}`,
    );
    expect(afterRemove.body.results).toHaveLength(2);
    const removedId = String(read.body.results[0].id);
    expect((await h.raw(h.demoPortalId, 'GET', `/crm/v3/objects/${type}/${removedId}`)).status).toBe(200);
    await save(
      edit(setValueSummary(plan, { valueSummary: 'Next edit archives the retired record.' }, ctx())),
    );
    expect((await h.raw(h.demoPortalId, 'GET', `/crm/v3/objects/${type}/${removedId}`)).status).toBe(404);
  });

  it.each([10, 30, 100])(
    'loads %i milestones in 2 round trips and 1 + ceil(N/100) calls, and saves a one-milestone edit in 3 round trips',
    async (n) => {
      const deal = await newDeal(h.demoPortalId);
      const plan = (await save(planWith(deal, n))).plan;
      seen.length = 0;
      await load(deal);
      expect(seen).toHaveLength(1 + Math.ceil(n / 100));
      expect(roundTrips(seen)).toBe(2);

      seen.length = 0;
      await save(edit(setMilestoneStatus(plan, { milestoneId: 'm-2', status: 'in_progress' }, ctx())));
      expect(callsByKind(seen)).toEqual({
        'GET /crm/v3/objects/deals/{id}': 1,
        'POST /crm/v3/objects/{milestone}/batch/read': Math.ceil(n / 100),
        'POST /crm/v3/objects/{milestone}/batch/update': 1,
        'PATCH /crm/v3/objects/deals/{id}': 1,
      });
      expect(roundTrips(seen)).toBe(3);
      const updates = seen.find((s) => s.req.path.endsWith('/batch/update'))?.req.body as {
        inputs: unknown[];
      };
      expect(updates.inputs).toHaveLength(1);
    },
  );

  it('writes only the forecast fields whose value changed, and none when the edit changes no projected value', async () => {
    const deal = await newDeal(h.demoPortalId);
    let plan = (await save(planWith(deal, 5))).plan;
    expect(
      Object.keys(patchBodies()[0]!).filter(
        (k) => k.startsWith('map_') && !['map_plan', 'map_plan_version', 'map_value_summary'].includes(k),
      ),
    ).toHaveLength(14);

    seen.length = 0;
    plan = (
      await save(
        edit(updateMilestone(plan, { milestoneId: 'm-4', patch: { description: 'Reworded.' } }, ctx())),
      )
    ).plan;
    expect(Object.keys(patchBodies()[0]!).sort()).toEqual(['map_plan', 'map_plan_version', 'map_updated_at']);

    seen.length = 0;
    const before = project(plan, TODAY);
    plan = (
      await save(
        edit(setMilestoneStatus(plan, { milestoneId: 'm-2', status: 'done', completedDate: TODAY }, ctx())),
      )
    ).plan;
    const after = project(plan, TODAY);
    const changed = Object.keys(patchBodies()[0]!)
      .filter((k) => !['map_plan', 'map_plan_version'].includes(k))
      .sort();
    expect(changed).toContain('map_progress');
    expect(changed).not.toContain('map_health');
    expect(before.health).toBe(after.health);
    const deal2 = await h.raw(
      h.demoPortalId,
      'GET',
      `/crm/v3/objects/deals/${deal.dealId}?properties=map_progress,map_milestones_done,map_next_step_due`,
    );
    expect(deal2.body.properties).toMatchObject({
      map_progress: String(after.progress),
      map_milestones_done: String(after.milestonesDone),
      map_next_step_due: after.nextStepDue,
    });

    // A save of the same plan (no activity entry, nothing projected changed) writes no forecast field at all.
    seen.length = 0;
    await save(plan);
    expect(Object.keys(patchBodies()[0]!).sort()).toEqual(['map_plan', 'map_plan_version']);
  });

  it('writes the projection alone when only the calendar moved: changed map_* fields, no new version, nothing when current', async () => {
    const deal = await newDeal(h.demoPortalId);
    const saved = await save(planWith(deal, 5));
    const later = project(saved.plan, '2027-06-30');
    seen.length = 0;
    const fields = must(await store.writeProjection(deal, later, saved.writtenProjection));
    expect(fields.length).toBeGreaterThan(0);
    expect(patchBodies()).toHaveLength(1);
    const written = Object.keys(patchBodies()[0]!);
    expect(
      written.every(
        (k) => k.startsWith('map_') && !['map_plan', 'map_plan_version', 'map_value_summary'].includes(k),
      ),
    ).toBe(true);
    const reloaded = must(await store.load(deal));
    expect(reloaded?.plan.version).toBe(saved.plan.version);
    expect(reloaded?.writtenProjection).toEqual(later);
    seen.length = 0;
    expect(must(await store.writeProjection(deal, later, reloaded?.writtenProjection ?? null))).toEqual([]);
    expect(seen).toHaveLength(0);
  });

  it('writes hs_forecast_probability as a 0–1 fraction only when the portal opted in', async () => {
    const deal = await newDeal(h.demoPortalId);
    const plan = (await save(planWith(deal, 5))).plan;
    expect(patchBodies()[0]).not.toHaveProperty('hs_forecast_probability');
    config.set(h.demoPortalId, { ...coConfig, writeNativeForecast: true });
    seen.length = 0;
    const next = edit(
      setMilestoneStatus(plan, { milestoneId: 'm-2', status: 'done', completedDate: TODAY }, ctx()),
    );
    await save(next);
    const p = project(next, TODAY).closeProbability;
    expect(patchBodies()[0]?.hs_forecast_probability).toBe(String(p / 100));
    const stored = await h.raw(
      h.demoPortalId,
      'GET',
      `/crm/v3/objects/deals/${deal.dealId}?properties=hs_forecast_probability`,
    );
    expect(Number(stored.body.properties.hs_forecast_probability)).toBeCloseTo(p / 100, 6);
  });

  it('serialises concurrent saves of one deal: one wins, the other gets a conflict naming what changed, and nothing is lost', async () => {
    const deal = await newDeal(h.demoPortalId);
    const base = (await save(planWith(deal, 4))).plan;
    const a = edit(setMilestoneStatus(base, { milestoneId: 'm-2', status: 'in_progress' }, ctx()));
    const b = edit(updateMilestone(base, { milestoneId: 'm-3', patch: { title: 'Security review' } }, ctx()));
    const [ra, rb] = await Promise.all([
      store.save({ plan: a, projection: project(a, TODAY) }),
      store.save({ plan: b, projection: project(b, TODAY) }),
    ]);
    expect(ra.ok).toBe(true);
    expect(rb.ok).toBe(false);
    if (rb.ok) return;
    expect(rb.error.code).toBe('VERSION_CONFLICT');
    if (rb.error.code !== 'VERSION_CONFLICT') return;
    expect(rb.error.currentVersion).toBe(2);
    expect(rb.error.changesSince.map((c) => c.kind)).toEqual(['status_changed']);
    expect(rb.error.message).toMatch(/version 2/);

    const current = await load(deal);
    expect(current.milestones.find((m) => m.id === 'm-2')?.status).toBe('in_progress');
    expect(current.milestones.find((m) => m.id === 'm-3')?.title).toBe('Milestone 3');
    const redone = edit(
      updateMilestone(current, { milestoneId: 'm-3', patch: { title: 'Security review' } }, ctx()),
    );
    await save(redone);
    const final = await load(deal);
    expect(final.milestones.find((m) => m.id === 'm-2')?.status).toBe('in_progress');
    expect(final.milestones.find((m) => m.id === 'm-3')?.title).toBe('Security review');
    expect(final.version).toBe(3);
  });

  it.each([10, 30, 100])(
    'saves a one-milestone edit of %i milestones that follows its load (SaveRequest.loaded) with no read: 1 batch update and 1 PATCH in 2 round trips',
    async (n) => {
      const deal = await newDeal(h.demoPortalId);
      await save(planWith(deal, n));
      const loaded = must(await store.load(deal))!;
      const next = edit(
        setMilestoneStatus(loaded.plan, { milestoneId: 'm-2', status: 'in_progress' }, ctx()),
      );
      seen.length = 0;
      const saved = must(await store.save({ plan: next, projection: project(next, TODAY), loaded }));
      expect(callsByKind(seen)).toEqual({
        'POST /crm/v3/objects/{milestone}/batch/update': 1,
        'PATCH /crm/v3/objects/deals/{id}': 1,
      });
      expect(roundTrips(seen)).toBe(2);
      expect(await load(deal)).toEqual(saved.plan);
    },
  );

  it('takes what a load read for one save only: a second save naming the same load reads the deal again and is a VERSION_CONFLICT', async () => {
    const deal = await newDeal(h.demoPortalId);
    await save(planWith(deal, 3));
    const loaded = must(await store.load(deal))!;
    const first = edit(setMilestoneStatus(loaded.plan, { milestoneId: 'm-2', status: 'blocked' }, ctx()));
    must(await store.save({ plan: first, projection: project(first, TODAY), loaded }));
    const again = edit(setValueSummary(loaded.plan, { valueSummary: 'Based on the same load.' }, ctx()));
    seen.length = 0;
    const res = await store.save({ plan: again, projection: project(again, TODAY), loaded });
    expect(!res.ok && res.error.code).toBe('VERSION_CONFLICT');
    expect(callsByKind(seen)['GET /crm/v3/objects/deals/{id}']).toBe(1);
    expect(seen.filter((s) => s.req.method !== 'GET' && !s.req.path.endsWith('/batch/read'))).toEqual([]);
  });

  it('moves a document-mode plan to milestone records at its next save once the portal keeps custom objects, even after a load made in document mode', async () => {
    const deal = await newDeal(h.demoPortalId);
    config.set(h.demoPortalId, { storageMode: 'document', writeNativeForecast: false });
    await save(planWith(deal, 3));
    const loaded = must(await store.load(deal))!;
    config.set(h.demoPortalId, coConfig);
    const next = edit(setValueSummary(loaded.plan, { valueSummary: 'Now in records.' }, ctx()));
    seen.length = 0;
    const saved = must(await store.save({ plan: next, projection: project(next, TODAY), loaded }));
    expect(callsByKind(seen)).toMatchObject({
      'GET /crm/v3/objects/deals/{id}': 1,
      'POST /crm/v3/objects/{milestone}/batch/upsert': 1,
    });
    const header = JSON.parse(patchBodies()[0]!.map_plan!) as { storage: string; milestones: unknown[] };
    expect(header.storage).toBe('custom_object');
    expect(header.milestones).toHaveLength(3);
    expect(await load(deal)).toEqual(saved.plan);
  });

  it('refuses a stale save from another process with VERSION_CONFLICT and writes nothing', async () => {
    const deal = await newDeal(h.demoPortalId);
    const base = (await save(planWith(deal, 3))).plan;
    const other = new HubSpotPlanStore({
      transport: h.transport,
      portalConfig: (id) => Promise.resolve(config.get(id)!),
    });
    const first = edit(setMilestoneStatus(base, { milestoneId: 'm-2', status: 'blocked' }, ctx()));
    must(await other.save({ plan: first, projection: project(first, TODAY) }));
    seen.length = 0;
    const stale = edit(setMilestoneStatus(base, { milestoneId: 'm-2', status: 'in_progress' }, ctx()));
    const res = await store.save({ plan: stale, projection: project(stale, TODAY) });
    expect(!res.ok && res.error.code).toBe('VERSION_CONFLICT');
    expect(seen.filter((s) => s.req.method !== 'GET' && !s.req.path.endsWith('/batch/read'))).toEqual([]);
  });

  describe('the 65,536-character limit of map_plan', () => {
    const bigPlan = (deal: DealRef, descriptionLength: number): Plan => {
      const plan = planWith(deal, 40);
      return {
        ...plan,
        milestones: plan.milestones.map((m) => ({
          ...m,
          description: 'x'.repeat(descriptionLength),
          successCriteria: 'y'.repeat(400),
        })),
      };
    };

    it('saves a document-mode plan just under the limit, whole', async () => {
      const deal = await newDeal(docPortal);
      const plan = bigPlan(deal, 800);
      const size = (patch: Record<string, string> | undefined) => patch?.map_plan?.length ?? 0;
      await save(plan);
      expect(size(patchBodies()[0])).toBeGreaterThan(60_000);
      expect(size(patchBodies()[0])).toBeLessThanOrEqual(PROPERTY_VALUE_LIMIT);
      expect((await load(deal)).milestones[39]?.description).toHaveLength(800);
    });

    it('refuses a document-mode plan over the limit with PLAN_TOO_LARGE, says what to trim, and writes nothing', async () => {
      const deal = await newDeal(docPortal);
      seen.length = 0;
      const res = await store.save({
        plan: bigPlan(deal, 1_200),
        projection: project(bigPlan(deal, 1_200), TODAY),
      });
      expect(res.ok).toBe(false);
      if (res.ok || res.error.code !== 'PLAN_TOO_LARGE') throw new Error('expected PLAN_TOO_LARGE');
      expect(res.error.limit).toBe(65_536);
      expect(res.error.size).toBeGreaterThan(65_536);
      expect(res.error.message).toMatch(/65,536/);
      expect(res.error.message).toMatch(/milestones/);
      expect(seen.filter((s) => s.req.method !== 'GET')).toEqual([]);
      expect(must(await store.load(deal))).toBeNull();
    });

    it.each([
      ['document', () => docPortal],
      ['custom_object', () => h.demoPortalId],
    ])(
      'in %s mode, drops the oldest activity entries so that a plan with a full log still saves, and a conflict based on an older version says its list is incomplete',
      async (_mode, portal) => {
        const deal = await newDeal(portal());
        const first = (await save(bigPlan(deal, 600))).plan;
        const log = Array.from({ length: 200 }, (_, i) =>
          anActivityEntry({
            at: new Date(Date.UTC(2026, 10, 16, 12, 0, i)).toISOString(),
            text: `Entry ${i} `.padEnd(1_000, '.'),
          }),
        );
        const saved = await save({ ...first, activity: log });
        expect(saved.plan.version).toBe(2);
        const stored = patchBodies().at(-1)?.map_plan ?? '';
        expect(stored.length).toBeLessThanOrEqual(PROPERTY_VALUE_LIMIT);
        const loaded = await load(deal);
        // Only activity was cut, oldest first: the newest entries and every milestone are there.
        expect(loaded.activity.length).toBeLessThan(200);
        expect(loaded.activity.length).toBeGreaterThan(0);
        expect(loaded.activity).toEqual(log.slice(200 - loaded.activity.length));
        expect(saved.plan).toEqual(loaded);
        expect(loaded.milestones).toEqual(first.milestones);
        // The load carries the history the functions answer stale edits with, without a probe save.
        const withHistory = must(await store.load(deal))!;
        expect(withHistory.history.versions).toEqual(loaded.activity.map(() => 2));
        expect(withHistory.history.trimmedThrough).toBe(2);
        expect(changesSince(withHistory, 1)).toEqual({ changes: loaded.activity, complete: false });
        expect(changesSince(withHistory, 2)).toEqual({ changes: [], complete: true });

        const stale = edit(setValueSummary(first, { valueSummary: 'Stale edit.' }, ctx()));
        const res = await store.save({ plan: stale, projection: project(stale, TODAY) });
        if (res.ok || res.error.code !== 'VERSION_CONFLICT') throw new Error('expected VERSION_CONFLICT');
        expect(res.error.currentVersion).toBe(2);
        expect(res.error.changesSinceComplete).toBe(false);
        expect(res.error.changesSince).toEqual(loaded.activity);
        expect(res.error.message).toMatch(/list is incomplete/);

        // A conflict based on a version the log still covers is complete.
        const next = (await save(edit(setValueSummary(loaded, { valueSummary: 'Fresh.' }, ctx())))).plan;
        const stale2 = edit(setValueSummary(loaded, { valueSummary: 'Stale again.' }, ctx()));
        const res2 = await store.save({ plan: stale2, projection: project(stale2, TODAY) });
        if (res2.ok || res2.error.code !== 'VERSION_CONFLICT') throw new Error('expected VERSION_CONFLICT');
        expect(res2.error.changesSinceComplete).toBe(true);
        expect(res2.error.changesSince).toEqual([next.activity.at(-1)]);
      },
    );

    it('keeps the same plan well under the limit in custom-object mode, where milestones are records', async () => {
      const deal = await newDeal(h.demoPortalId);
      await save(bigPlan(deal, 1_200));
      expect(patchBodies()[0]?.map_plan?.length).toBeLessThan(20_000);
    });
  });
});
