/**
 * The PlanStore contract (src/ports/plan-store.ts), one suite run against every implementation: the memory
 * store the HTTP tests use, and the HubSpot store against the sandbox in both storage modes. What a function
 * may rely on is what this suite checks, so a test passing on the memory store means the same on HubSpot.
 */
import { addMilestone, setMilestoneStatus, setPlanTitle, setValueSummary } from '../../src/domain/edits.js';
import type { DealRef, Plan } from '../../src/domain/model.js';
import { project } from '../../src/domain/project.js';
import { versionConflictMessage, type PlanStore, type StoredPlan } from '../../src/ports/plan-store.js';
import { ctx, planWith, TODAY } from '../hubspot/fixtures.js';

export interface PlanStoreFixture {
  readonly store: PlanStore;
  /** A new deal with no plan, in the fixture's portal. */
  newDeal(): Promise<DealRef>;
  /** A deal id that exists in another portal (so not in the fixture's). */
  foreignDeal(): Promise<DealRef>;
  close(): Promise<void>;
}

function must<T>(res: { ok: true; value: T } | { ok: false; error: unknown }): T {
  if (!res.ok) throw new Error(`expected success, got ${JSON.stringify(res.error)}`);
  return res.value;
}
const edited = (res: { ok: true; value: { plan: Plan } } | { ok: false; error: unknown }): Plan =>
  must(res).plan;

export function planStoreContract(name: string, open: () => Promise<PlanStoreFixture>): void {
  describe(`PlanStore contract: ${name}`, () => {
    let f: PlanStoreFixture;
    beforeAll(async () => {
      f = await open();
    });
    afterAll(() => f.close());

    const save = async (plan: Plan, requestDigest?: string): Promise<StoredPlan> =>
      must(
        await f.store.save({
          plan,
          projection: project(plan, TODAY),
          ...(requestDigest === undefined ? {} : { requestDigest }),
        }),
      );
    async function saved(n = 3): Promise<{ deal: DealRef; stored: StoredPlan }> {
      const deal = await f.newDeal();
      return { deal, stored: await save(planWith(deal, n)) };
    }

    test('a deal with no plan loads as null; a deal of another portal, or none, is DEAL_NOT_FOUND', async () => {
      const deal = await f.newDeal();
      expect(must(await f.store.load(deal))).toBeNull();
      const foreign = await f.store.load(await f.foreignDeal());
      expect(!foreign.ok && foreign.error.code).toBe('DEAL_NOT_FOUND');
      const missing = await f.store.load({ ...deal, dealId: '987654321012' });
      expect(!missing.ok && missing.error.code).toBe('DEAL_NOT_FOUND');
    });

    test('the first save is version 1, and a load returns exactly what was saved, with no problems', async () => {
      const { deal, stored } = await saved();
      expect(stored.plan.version).toBe(1);
      const loaded = must(await f.store.load(deal));
      expect(loaded?.plan).toEqual(stored.plan);
      expect(loaded?.problems).toEqual([]);
      expect(loaded?.writtenProjection).toEqual(project(stored.plan, TODAY));
    });

    test('each save goes one version up; a save based on an older version is VERSION_CONFLICT with what changed since, and writes nothing', async () => {
      const { deal, stored } = await saved();
      const v2 = await save(edited(setPlanTitle(stored.plan, { title: 'Second' }, ctx())));
      const v3 = await save(edited(setValueSummary(v2.plan, { valueSummary: 'Third.' }, ctx())));
      expect(v3.plan.version).toBe(3);
      const stale = edited(setMilestoneStatus(stored.plan, { milestoneId: 'm-2', status: 'blocked' }, ctx()));
      const refused = await f.store.save({ plan: stale, projection: project(stale, TODAY) });
      expect(refused.ok).toBe(false);
      if (!refused.ok && refused.error.code === 'VERSION_CONFLICT') {
        expect(refused.error.currentVersion).toBe(3);
        // One sentence for a conflict, whoever finds it (the functions use the same one).
        expect(refused.error.message).toBe(versionConflictMessage(3, 1, true));
        expect(refused.error.changesSince.map((a) => a.kind)).toEqual([
          'plan_title_changed',
          'value_summary_edited',
        ]);
        expect(refused.error.changesSinceComplete).toBe(true);
      } else {
        throw new Error(`expected VERSION_CONFLICT, got ${JSON.stringify(refused)}`);
      }
      expect(must(await f.store.load(deal))?.plan).toEqual(v3.plan);
    });

    test('a save that follows its load and names what it returned (SaveRequest.loaded) saves as any other, from no plan and from a plan', async () => {
      const deal = await f.newDeal();
      const none = must(await f.store.load(deal));
      expect(none).toBeNull();
      const first = planWith(deal, 3);
      const v1 = must(await f.store.save({ plan: first, projection: project(first, TODAY), loaded: none }));
      expect(v1.plan.version).toBe(1);
      const loaded = must(await f.store.load(deal));
      expect(loaded?.plan).toEqual(v1.plan);
      const next = edited(setPlanTitle(loaded!.plan, { title: 'From the load' }, ctx()));
      const v2 = must(await f.store.save({ plan: next, projection: project(next, TODAY), loaded }));
      expect(v2.plan.version).toBe(2);
      const reloaded = must(await f.store.load(deal));
      expect(reloaded?.plan).toEqual(v2.plan);
      expect(reloaded?.writtenProjection).toEqual(project(next, TODAY));
    });

    test('the same request sent again after it committed answers the stored success and writes no new version', async () => {
      const { deal, stored } = await saved();
      const next = edited(
        addMilestone(
          stored.plan,
          { id: 'again', title: 'Sent twice', dueDate: '2026-11-25', sellerOwnerId: 's-seller' },
          ctx(),
        ),
      );
      const first = await save(next, 'digest-1');
      const again = await save(next, 'digest-1');
      expect(again.plan).toEqual(first.plan);
      expect(must(await f.store.load(deal))?.plan.version).toBe(first.plan.version);
      expect(must(await f.store.load(deal))?.lastRequest).toEqual({
        base: stored.plan.version,
        digest: 'digest-1',
      });
      const other = await f.store.save({
        plan: next,
        projection: project(next, TODAY),
        requestDigest: 'digest-2',
      });
      expect(!other.ok && other.error.code).toBe('VERSION_CONFLICT');
    });

    test('writeProjection writes only the changed forecast fields, returns their names, and never changes the version', async () => {
      const { deal, stored } = await saved();
      const unchanged = must(
        await f.store.writeProjection(deal, project(stored.plan, TODAY), stored.writtenProjection),
      );
      expect(unchanged).toEqual([]);
      const later = project(stored.plan, '2027-03-01');
      const fields = must(await f.store.writeProjection(deal, later, stored.writtenProjection));
      expect(fields.length).toBeGreaterThan(0);
      const loaded = must(await f.store.load(deal));
      expect(loaded?.plan.version).toBe(stored.plan.version);
      expect(loaded?.writtenProjection).toEqual(later);
    });

    test('a plan that does not pass validation is refused and nothing is written', async () => {
      const { deal, stored } = await saved();
      const broken: Plan = {
        ...stored.plan,
        milestones: stored.plan.milestones.map((m) => ({ ...m, dependsOn: ['nowhere'] })),
      };
      const refused = await f.store.save({ plan: broken, projection: project(stored.plan, TODAY) });
      expect(!refused.ok && refused.error.code).toBe('CRM_VALIDATION');
      expect(must(await f.store.load(deal))?.plan).toEqual(stored.plan);
    });
  });
}
