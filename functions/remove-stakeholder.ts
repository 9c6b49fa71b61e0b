/** remove-stakeholder: removes a stakeholder who owns no milestone. */
import { removeStakeholder as removeStakeholderEdit } from '../src/domain/edits.js';
import { CONTRACT } from '../src/contract/index.js';
import { editedPlan, editPlan } from './plan-ops.js';
import { defineFunction } from './types.js';

export const removeStakeholder = defineFunction({
  ...CONTRACT['remove-stakeholder'],
  handler: (deps, caller, input) =>
    editPlan(deps, caller, input.dealId, input.baseVersion, {
      needsPlan: true,
      apply: (plan, ctx) =>
        editedPlan(removeStakeholderEdit(plan, { stakeholderId: input.stakeholderId }, ctx)),
    }),
});
