/** add-stakeholder: adds a buyer- or seller-side stakeholder to the plan (creating the plan if needed). */
import type { z } from 'zod';
import { addStakeholder as addStakeholderEdit, addStakeholderInputSchema } from '../src/domain/edits.js';
import { dealIdSchema, planResponseSchema, versionSchema } from './contract.js';
import { dealRef, editContext, finishOneEdit, loadOrEmpty } from './plan-ops.js';
import { defineFunction } from './types.js';

export const addStakeholderFunctionInputSchema = addStakeholderInputSchema.extend({
  dealId: dealIdSchema,
  baseVersion: versionSchema,
});
export type AddStakeholderFunctionInput = z.input<typeof addStakeholderFunctionInputSchema>;

export const addStakeholder = defineFunction({
  name: 'add-stakeholder',
  summary: 'Adds a stakeholder to the plan.',
  input: addStakeholderFunctionInputSchema,
  output: planResponseSchema,
  writes: true,
  handler: async (deps, caller, input) => {
    const ctx = editContext(deps, caller);
    const loaded = await loadOrEmpty(deps, dealRef(caller, input.dealId), caller.requestDigest);
    if (!loaded.ok) return loaded;
    const { dealId: _dealId, baseVersion, ...stakeholder } = input;
    const result = addStakeholderEdit(loaded.value.plan, stakeholder, ctx);
    return finishOneEdit(deps, loaded.value, result, baseVersion, ctx.today);
  },
});
