/**
 * reproject-deal: recomputes the plan's projection for today and writes the deal's forecast fields that
 * changed (overdue counts and health move with the calendar even when nobody edits the plan). Nothing is
 * written when the deal is already current, and the plan's version never changes.
 */
import { project } from '../src/domain/project.js';
import { err, ok } from '../src/domain/result.js';
import { CONTRACT } from '../src/contract/index.js';
import { dealRef, editContext, loadOrEmpty, planNotFound, storeError } from './plan-ops.js';
import { defineFunction } from './types.js';

export const reprojectDeal = defineFunction({
  ...CONTRACT['reproject-deal'],
  handler: async (deps, caller, input) => {
    const { today } = editContext(deps, caller);
    const loaded = await loadOrEmpty(deps, dealRef(caller, input.dealId));
    if (!loaded.ok) return loaded;
    const { plan, stored } = loaded.value;
    if (stored === null) return err(planNotFound(input.dealId));
    const projection = project(plan, today);
    // Only the forecast fields are written: the plan and its version stay, so nobody's open card conflicts.
    const written = await deps.plans.writeProjection(plan.deal, projection, stored.writtenProjection);
    if (!written.ok) return err(storeError(written.error));
    return ok({ plan, projection, version: plan.version, saved: true, changedFields: [...written.value] });
  },
});
