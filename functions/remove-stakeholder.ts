/** remove-stakeholder: removes a stakeholder who owns no milestone. */
import { removeStakeholder as removeStakeholderEdit } from '../src/domain/edits.js';
import { err } from '../src/domain/result.js';
import { CONTRACT } from '../src/contract/index.js';
import { dealRef, editContext, finishOneEdit, loadOrEmpty, planNotFound } from './plan-ops.js';
import { defineFunction } from './types.js';

export const removeStakeholder = defineFunction({
  ...CONTRACT['remove-stakeholder'],
  handler: async (deps, caller, input) => {
    const ctx = editContext(deps, caller);
    const loaded = await loadOrEmpty(deps, dealRef(caller, input.dealId), caller.requestDigest);
    if (!loaded.ok) return loaded;
    if (!loaded.value.saved) return err(planNotFound(input.dealId));
    const result = removeStakeholderEdit(loaded.value.plan, { stakeholderId: input.stakeholderId }, ctx);
    return finishOneEdit(deps, loaded.value, result, input.baseVersion, ctx.today);
  },
});
