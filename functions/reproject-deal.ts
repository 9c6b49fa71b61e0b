/**
 * reproject-deal: recomputes the plan's projection for today and writes the map_* deal fields that
 * changed (overdue counts and health move with the calendar even when nobody edits the plan). Nothing is
 * written when the deal is already current, and the plan's version never changes.
 */
import { z } from 'zod';
import { project } from '../src/domain/project.js';
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
    // Only the forecast fields are written: the plan and its version stay, so nobody's open card conflicts.
    const written = await deps.plans.writeProjection(plan.deal, projection, stored.writtenProjection);
    if (!written.ok) return err(storeError(written.error));
    return ok({ plan, projection, version: plan.version, saved: true, changedFields: [...written.value] });
  },
});
