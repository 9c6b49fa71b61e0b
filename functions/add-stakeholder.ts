/** add-stakeholder: adds a buyer- or seller-side stakeholder to the plan (creating the plan if needed). */
import { addStakeholder as addStakeholderEdit } from '../src/domain/edits.js';
import { CONTRACT } from '../src/contract/index.js';
import { editedPlan, editPlan } from './plan-ops.js';
import { defineFunction } from './types.js';

export const addStakeholder = defineFunction({
  ...CONTRACT['add-stakeholder'],
  handler: (deps, caller, input) => {
    const { dealId, baseVersion, ...stakeholder } = input;
    return editPlan(deps, caller, dealId, baseVersion, {
      apply: (plan, ctx) => editedPlan(addStakeholderEdit(plan, stakeholder, ctx)),
    });
  },
});
