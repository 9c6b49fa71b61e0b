import { HubSpotPlanStore, type PortalStoreConfig } from '../../src/adapters/hubspot/plan-store.js';
import { provisionPortal } from '../../src/adapters/hubspot/provision.js';
import type { CrmRequest } from '../../src/adapters/hubspot/transport.js';
import {
  addMilestone,
  removeMilestone,
  setMilestoneStatus,
  setValueSummary,
  updateMilestone,
} from '../../src/domain/edits.js';
import type { DealRef, Plan } from '../../src/domain/model.js';
import { project } from '../../src/domain/project.js';
import { err } from '../../src/domain/result.js';
import { crmError } from '../../src/ports/crm-error.js';
import { captureRequests, ctx, planWith, TODAY } from './fixtures.js';
import { ENTERPRISE_SCOPES, PROFESSIONAL_SCOPES, startHarness, type Harness } from './harness.js';

function must<T>(res: { ok: true; value: T } | { ok: false; error: unknown }): T {
  if (!res.ok) throw new Error(`expected success, got ${JSON.stringify(res.error)}`);
  return res.value;
}
const edit = (res: ReturnType<typeof updateMilestone>): Plan => must(res).plan;

type Interceptor = (req: CrmRequest<unknown>, send: () => Promise<unknown>) => Promise<unknown> | undefined;

describe('HubSpotPlanStore when a save fails part-way', () => {
  let h: Harness;
  let store: HubSpotPlanStore;
  let objectType: string;
  let intercept: Interceptor | undefined;
  const config = new Map<string, PortalStoreConfig>();

  beforeEach(async () => {
    h = await startHarness();
    const report = must(await provisionPortal(h.transport, h.demoPortalId, { scopes: ENTERPRISE_SCOPES }));
    objectType = report.milestoneObjectTypeId ?? '';
    config.set(h.demoPortalId, {
      storageMode: 'custom_object',
      writeNativeForecast: false,
      milestoneObjectType: objectType,
    });
    store = new HubSpotPlanStore({
      transport: h.transport,
      portalConfig: (id) => Promise.resolve(config.get(id)!),
    });
    const original = h.transport.request.bind(h.transport);
    h.transport.request = <T>(req: CrmRequest<T>) => {
      const send = () => original(req);
      return (intercept?.(req, send) ?? send()) as ReturnType<typeof original<T>>;
    };
    intercept = undefined;
  });
  afterEach(() => h.close());

  const isDealPatch = (req: CrmRequest<unknown>) =>
    req.method === 'PATCH' && req.path.startsWith('/crm/v3/objects/deals/');
  const unavailable = err(crmError('CRM_UNAVAILABLE', 'HubSpot is having trouble right now.', 503));

  async function liveKeys(deal: DealRef): Promise<string[]> {
    const res = await h.raw(
      h.demoPortalId,
      'GET',
      `/crm/v3/objects/${objectType}?properties=map_key&limit=100`,
    );
    const results: { properties: { map_key: string } }[] = res.body.results;
    return results
      .map((r) => r.properties.map_key)
      .filter((k) => k.startsWith(`${deal.dealId}:`))
      .sort();
  }

  async function setup(): Promise<{ deal: DealRef; base: Plan; edited: Plan }> {
    const deal: DealRef = {
      crm: 'hubspot',
      accountId: h.demoPortalId,
      dealId: await h.newDeal(h.demoPortalId),
    };
    const first = planWith(deal, 4);
    const base = must(await store.save({ plan: first, projection: project(first, TODAY) })).plan;
    let edited = edit(setMilestoneStatus(base, { milestoneId: 'm-2', status: 'blocked' }, ctx()));
    edited = edit(
      addMilestone(
        edited,
        { id: 'm-new', title: 'Procurement', dueDate: '2026-12-20', sellerOwnerId: 's-seller' },
        ctx(),
      ),
    );
    return { deal, base, edited };
  }

  it('keeps the old plan loadable when the deal PATCH fails after the milestone writes, and the same save retried succeeds without duplicates', async () => {
    const { deal, base, edited } = await setup();
    intercept = (req) => (isDealPatch(req) ? Promise.resolve(unavailable) : undefined);
    const failed = await store.save({ plan: edited, projection: project(edited, TODAY) });
    expect(failed.ok).toBe(false);
    if (!failed.ok) expect(failed.error.message).toMatch(/not saved; the plan is as it was before/);

    // The record of m-2 already holds the new status, and m-new has a record: the header still wins.
    const m2 = await h.raw(h.demoPortalId, 'POST', `/crm/v3/objects/${objectType}/batch/read`, {
      idProperty: 'map_key',
      properties: ['map_status'],
      inputs: [{ id: `${deal.dealId}:m-2` }, { id: `${deal.dealId}:m-new` }],
    });
    const statuses: { properties: { map_status: string } }[] = m2.body.results;
    expect(statuses.map((r) => r.properties.map_status).sort()).toEqual(['blocked', 'not_started']);
    expect(must(await store.load(deal))?.plan).toEqual(base);

    intercept = undefined;
    const saved = must(await store.save({ plan: edited, projection: project(edited, TODAY) }));
    expect(saved.plan.version).toBe(base.version + 1);
    expect(must(await store.load(deal))?.plan).toEqual(saved.plan);
    expect(await liveKeys(deal)).toEqual([
      `${deal.dealId}:m-1`,
      `${deal.dealId}:m-2`,
      `${deal.dealId}:m-3`,
      `${deal.dealId}:m-4`,
      `${deal.dealId}:m-new`,
    ]);
  });

  it('keeps the old plan when a milestone write fails, and writes no deal property', async () => {
    const { deal, base, edited } = await setup();
    const seen = captureRequests(h.transport);
    intercept = (req) => (req.path.endsWith('/batch/upsert') ? Promise.resolve(unavailable) : undefined);
    const failed = await store.save({ plan: edited, projection: project(edited, TODAY) });
    expect(!failed.ok && failed.error.code).toBe('CRM_UNAVAILABLE');
    expect(seen.filter((s) => isDealPatch(s.req))).toEqual([]);
    expect(must(await store.load(deal))?.plan).toEqual(base);
  });

  it('keeps the old plan when a batch upsert succeeds only in part (207), and the same save retried succeeds without duplicates', async () => {
    // HubSpot answers a batch upsert input by input: the valid inputs are written and the refused ones come
    // back in `errors` with a 207 (captured answer in HubSpot/hubspot-api-ruby#403); the sandbox does the same.
    const { deal, base } = await setup();
    let edited = edit(
      addMilestone(
        base,
        { id: 'm-new', title: 'Procurement', dueDate: '2026-12-20', sellerOwnerId: 's-seller' },
        ctx(),
      ),
    );
    edited = edit(
      addMilestone(
        edited,
        { id: 'm-new2', title: 'Legal review', dueDate: '2026-12-21', sellerOwnerId: 's-seller' },
        ctx(),
      ),
    );
    const seen = captureRequests(h.transport);
    intercept = (req, send) => {
      if (!req.path.endsWith('/batch/upsert')) return undefined;
      // One input refused by HubSpot (a property it does not know), the other written.
      const body = req.body as { inputs: { id: string; properties: Record<string, string> }[] };
      const second = body.inputs.find((i) => i.id.endsWith(':m-new2'));
      if (second) second.properties = { ...second.properties, map_not_a_property: '1' };
      return send();
    };
    const failed = await store.save({ plan: edited, projection: project(edited, TODAY) });
    expect(failed.ok).toBe(false);
    if (!failed.ok) {
      expect('status' in failed.error && failed.error.status).toBe(207);
      expect(failed.error.message).toMatch(/not saved; the plan is as it was before/);
      // The detail is HubSpot's problem, read from the list embedded in the message, not its raw JSON.
      const details: readonly string[] = 'details' in failed.error ? (failed.error.details ?? []) : [];
      expect(details.join(' ')).toMatch(/VALIDATION_ERROR: Property "map_not_a_property" does not exist/);
    }
    // No deal property was written, and the old plan is what loads.
    expect(seen.filter((x) => isDealPatch(x.req))).toEqual([]);
    expect(must(await store.load(deal))?.plan).toEqual(base);
    // Part of the batch did land: m-new has a record, which the header does not know.
    expect(await liveKeys(deal)).toEqual([
      `${deal.dealId}:m-1`,
      `${deal.dealId}:m-2`,
      `${deal.dealId}:m-3`,
      `${deal.dealId}:m-4`,
      `${deal.dealId}:m-new`,
    ]);

    intercept = undefined;
    const saved = must(await store.save({ plan: edited, projection: project(edited, TODAY) }));
    expect(saved.plan.version).toBe(base.version + 1);
    expect(must(await store.load(deal))?.plan).toEqual(saved.plan);
    // The retry upserted m-new by its key onto the record the partial batch made: no duplicate.
    expect(await liveKeys(deal)).toEqual([
      `${deal.dealId}:m-1`,
      `${deal.dealId}:m-2`,
      `${deal.dealId}:m-3`,
      `${deal.dealId}:m-4`,
      `${deal.dealId}:m-new`,
      `${deal.dealId}:m-new2`,
    ]);
  });

  it('treats a save whose answer was lost after it committed as saved: the reload shows it, and sending it again succeeds without writing', async () => {
    const { deal, edited } = await setup();
    intercept = (req, send) => (isDealPatch(req) ? send().then(() => unavailable) : undefined);
    const lost = await store.save({ plan: edited, projection: project(edited, TODAY) });
    expect(lost.ok).toBe(false);
    const reloaded = must(await store.load(deal))?.plan;
    expect(reloaded).toEqual({ ...edited, version: edited.version + 1 });

    intercept = undefined;
    const seen = captureRequests(h.transport);
    const again = must(await store.save({ plan: edited, projection: project(edited, TODAY) }));
    expect(again.plan.version).toBe(edited.version + 1);
    expect(seen.map((s) => s.req.method === 'GET' || s.req.path.endsWith('/batch/read'))).toEqual([
      true,
      true,
    ]);
  });

  it('loads what is consistent when a milestone record was deleted in HubSpot, reports it, and a save based on the full plan recreates it', async () => {
    const { deal, base } = await setup();
    const read = await h.raw(h.demoPortalId, 'POST', `/crm/v3/objects/${objectType}/batch/read`, {
      idProperty: 'map_key',
      properties: [],
      inputs: [{ id: `${deal.dealId}:m-3` }],
    });
    await h.raw(h.demoPortalId, 'DELETE', `/crm/v3/objects/${objectType}/${String(read.body.results[0].id)}`);
    const partial = must(await store.load(deal));
    expect(partial?.plan.milestones.map((m) => m.id)).toEqual(['m-1', 'm-2', 'm-4']);
    expect(partial?.problems.join(' ')).toMatch(/milestone m-3: its record .* is missing from HubSpot/);
    const healed = edit(setValueSummary(base, { valueSummary: 'Rewritten.' }, ctx()));
    must(await store.save({ plan: healed, projection: project(healed, TODAY) }));
    expect(must(await store.load(deal))?.plan.milestones.map((m) => m.id)).toEqual([
      'm-1',
      'm-2',
      'm-3',
      'm-4',
    ]);
  });
});

describe('HubSpotPlanStore under injected faults (500, 502, 503, 429, dropped connections)', () => {
  let h: Harness;
  afterEach(() => h.close());

  it.each(['custom_object', 'document'] as const)(
    'in %s mode, every edit ends either saved and visible on reload, or reported as failed with the old plan intact',
    async (mode) => {
      // Two attempts per request, so that some faults get through to the store; the sandbox's own rate limit
      // is off, and so is most of our throttle, because this run makes about 800 calls.
      h = await startHarness(
        {},
        { maxAttempts: 2, baseDelayMs: 2, maxDelayMs: 10, rateLimitWaitMs: 5 },
        { perWindow: 10_000, windowMs: 10_000, searchPerSecond: 4 },
      );
      const portal = mode === 'custom_object' ? h.demoPortalId : await h.newPortal('professional');
      const report = must(
        await provisionPortal(h.transport, portal, {
          scopes: mode === 'custom_object' ? ENTERPRISE_SCOPES : PROFESSIONAL_SCOPES,
        }),
      );
      expect(report.storageMode).toBe(mode);
      const store = new HubSpotPlanStore({
        transport: h.transport,
        portalConfig: () =>
          Promise.resolve({
            storageMode: mode,
            writeNativeForecast: true,
            ...(report.milestoneObjectTypeId ? { milestoneObjectType: report.milestoneObjectTypeId } : {}),
          }),
      });
      const deal: DealRef = { crm: 'hubspot', accountId: portal, dealId: await h.newDeal(portal) };
      const initial = planWith(deal, 6);
      let truth = must(await store.save({ plan: initial, projection: project(initial, TODAY) })).plan;
      const faults = {
        seed: 20261116,
        rateLimit: 0.07,
        serverError: 0.07,
        badGateway: 0.06,
        unavailable: 0.06,
        drop: 0.06,
      };
      await h.setFaults(portal, faults);

      const outcomes = { saved: 0, failed: 0, loadFailed: 0 };
      let added = 0;
      for (let i = 0; i < 40; i++) {
        const c = ctx();
        const target = `m-${(i % 5) + 2}`;
        const choices: (() => Plan)[] = [
          () =>
            edit(
              setMilestoneStatus(
                truth,
                {
                  milestoneId: target,
                  status:
                    truth.milestones.find((m) => m.id === target)?.status === 'blocked'
                      ? 'in_progress'
                      : 'blocked',
                },
                c,
              ),
            ),
          () =>
            edit(updateMilestone(truth, { milestoneId: target, patch: { description: `Revision ${i}` } }, c)),
          () =>
            edit(
              addMilestone(
                truth,
                {
                  id: `m-add-${++added}`,
                  title: `Added ${added}`,
                  dueDate: '2026-12-28',
                  sellerOwnerId: 's-seller',
                },
                c,
              ),
            ),
          () => {
            const extra = truth.milestones.find((m) => m.id.startsWith('m-add-'));
            return extra
              ? edit(removeMilestone(truth, { milestoneId: extra.id }, c))
              : edit(setValueSummary(truth, { valueSummary: `Summary ${i}` }, c));
          },
          () => edit(setValueSummary(truth, { valueSummary: `Summary ${i}` }, c)),
        ];
        const next = choices[i % choices.length]!();
        const request = { plan: next, projection: project(next, TODAY) };

        const result = await store.save(request);
        await h.setFaults(portal, null);
        const loaded = must(await store.load(deal))?.plan;
        if (result.ok) {
          outcomes.saved += 1;
          expect(loaded).toEqual(result.value.plan);
        } else {
          outcomes.failed += 1;
          expect(['CRM_UNAVAILABLE', 'CRM_RATE_LIMITED']).toContain(result.error.code);
          // The sandbox's faults strike before its handler, so a failed save never committed.
          expect(loaded).toEqual(truth);
          // Retrying the very same save succeeds and shows up whole.
          const retried = must(await store.save(request));
          expect(must(await store.load(deal))?.plan).toEqual(retried.plan);
        }
        truth = must(await store.load(deal))!.plan;
        await h.setFaults(portal, { ...faults, seed: faults.seed + i + 1 });
        const underFaults = await store.load(deal);
        if (underFaults.ok) expect(underFaults.value?.plan).toEqual(truth);
        else outcomes.loadFailed += 1;
      }
      await h.setFaults(portal, null);
      expect(outcomes.saved).toBeGreaterThan(5);
      expect(outcomes.failed).toBeGreaterThan(3);

      if (mode === 'custom_object') {
        const res = await h.raw(
          portal,
          'GET',
          `/crm/v3/objects/${report.milestoneObjectTypeId}?properties=map_key&limit=100`,
        );
        const keys: string[] = (res.body.results as { properties: { map_key: string } }[]).map(
          (r) => r.properties.map_key,
        );
        expect(new Set(keys).size).toBe(keys.length);
        const inPlan = new Set(truth.milestones.map((m) => `${deal.dealId}:${m.id}`));
        for (const key of inPlan) expect(keys).toContain(key);
      }
    },
    60_000,
  );
});
