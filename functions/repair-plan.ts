/**
 * repair-plan: an operator's look at a deal's plan (`cli show`) and its repair (`cli repair`). A plan that
 * loads with problems (a step whose record was deleted in the CRM, a version edited by hand) is saved as it
 * loaded, under the deal's lock like every other save, which writes it whole again; a plan that loads whole is
 * left as it is.
 */
import type { DealRef } from '../src/domain/model.js';
import { project } from '../src/domain/project.js';
import { ok, type Result } from '../src/domain/result.js';
import type { DealLockBusy } from '../src/ports/deal-locks.js';
import type { PlanStoreError, StoredPlan } from '../src/ports/plan-store.js';
import type { FunctionDeps } from './types.js';

export interface PlanInspection {
  /** The plan as it is now (after a repair, as saved); null when the deal has no plan. */
  readonly stored: StoredPlan | null;
  /** True when this call saved the plan to repair it. */
  readonly repaired: boolean;
  /** What could not be read consistently when it was loaded (empty when it loaded whole). */
  readonly problems: readonly string[];
}

export async function inspectPlan(
  deps: Pick<FunctionDeps, 'plans' | 'locks'>,
  deal: DealRef,
  options: { readonly repair: boolean; readonly today: string },
): Promise<Result<PlanInspection, PlanStoreError | DealLockBusy>> {
  return deps.locks.run(deal, async (): Promise<Result<PlanInspection, PlanStoreError>> => {
    const loaded = await deps.plans.load(deal);
    if (!loaded.ok) return loaded;
    const stored = loaded.value;
    if (stored === null) return ok({ stored: null, repaired: false, problems: [] });
    if (!options.repair || stored.problems.length === 0)
      return ok({ stored, repaired: false, problems: stored.problems });
    // Without `loaded`: the store reads the version again just before it commits. An operator's CLI may hold
    // only its own process's lock (SQLite), not the serving backend's.
    const saved = await deps.plans.save({
      plan: stored.plan,
      projection: project(stored.plan, options.today),
    });
    if (!saved.ok) return saved;
    return ok({ stored: saved.value, repaired: true, problems: stored.problems });
  });
}
