/** add-stakeholder: adds a buyer- or seller-side stakeholder to the plan (creating the plan if needed). */
import { addStakeholder as addStakeholderEdit } from '../src/domain/edits.js';
import { CONTRACT } from '../src/contract/index.js';
import { dealRef, editContext, finishOneEdit, loadOrEmpty } from './plan-ops.js';
import { defineFunction } from './types.js';

export const addStakeholder = defineFunction({
  ...CONTRACT['add-stakeholder'],
  handler: async (deps, caller, input) => {
    const ctx = editContext(deps, caller);
    const loaded = await loadOrEmpty(deps, dealRef(caller, input.dealId), caller.requestDigest);
    if (!loaded.ok) return loaded;
    const { dealId: _dealId, baseVersion, ...stakeholder } = input;
    const result = addStakeholderEdit(loaded.value.plan, stakeholder, ctx);
    return finishOneEdit(deps, loaded.value, result, baseVersion, ctx.today);
  },
});
