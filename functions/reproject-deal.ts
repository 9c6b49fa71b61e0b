/**
 * reproject-deal: recomputes the plan's projection for today and writes the map_* deal fields that
 * changed (overdue counts and health move with the calendar even when nobody edits the plan). Nothing is
 * written when the deal is already current.
 */
import { z } from 'zod';
import { changedFields, project } from '../src/domain/project.js';
import { err, ok } from '../src/domain/result.js';
import { dealIdSchema, reprojectResponseSchema } from './contract.js';
import { dealRef, editContext, loadOrEmpty, planNotFound, storeError } from './plan-ops.js';
import { defineFunction } from './types.js';

export const reprojectDealInputSchema = z.strictObject({ dealId: dealIdSchema });
export type ReprojectDealInput = z.input<typeof reprojectDealInputSchema>;

export const reprojectDeal = defineFunction({
  name: 'reproject-deal',
  summary: "Recomputes the plan's projection for today and writes the deal fields that changed.",
  input: reprojectDealInputSchema,
  output: reprojectResponseSchema,
  writes: true,
  handler: async (deps, caller, input) => {
    const { today } = editContext(deps, caller);
    const loaded = await loadOrEmpty(deps, dealRef(caller, input.dealId));
    if (!loaded.ok) return loaded;
    const { plan, stored } = loaded.value;
    if (stored === null) return err(planNotFound(input.dealId));
    const projection = project(plan, today);
    const changed = Object.keys(changedFields(stored.writtenProjection, projection));
    if (changed.length === 0)
      return ok({ plan, projection, version: plan.version, saved: true, changedFields: [] });
    const saved = await deps.plans.save({ plan, projection });
    if (!saved.ok) return err(storeError(saved.error));
    return ok({
      plan: saved.value.plan,
      projection,
      version: saved.value.plan.version,
      saved: true,
      changedFields: changed,
    });
  },
});
