/** add-stakeholder: adds a buyer- or seller-side stakeholder to the plan (creating the plan if needed). */
import type { z } from 'zod';
import { addStakeholder as addStakeholderEdit, addStakeholderInputSchema } from '../src/domain/edits.js';
import { dealIdSchema, planResponseSchema, versionSchema } from './contract.js';
import { editedPlan, editPlan } from './plan-ops.js';
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
  handler: (deps, caller, input) => {
    const { dealId, baseVersion, ...stakeholder } = input;
    return editPlan(deps, caller, dealId, baseVersion, {
      apply: (plan, ctx) => editedPlan(addStakeholderEdit(plan, stakeholder, ctx)),
    });
  },
});
