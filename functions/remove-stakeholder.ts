/** remove-stakeholder: removes a stakeholder who owns no milestone. */
import type { z } from 'zod';
import {
  removeStakeholder as removeStakeholderEdit,
  removeStakeholderInputSchema,
} from '../src/domain/edits.js';
import { err } from '../src/domain/result.js';
import { dealIdSchema, planResponseSchema, versionSchema } from './contract.js';
import { dealRef, editContext, finishOneEdit, loadOrEmpty, planNotFound } from './plan-ops.js';
import { defineFunction } from './types.js';

export const removeStakeholderFunctionInputSchema = removeStakeholderInputSchema.extend({
  dealId: dealIdSchema,
  baseVersion: versionSchema,
});
export type RemoveStakeholderFunctionInput = z.input<typeof removeStakeholderFunctionInputSchema>;

export const removeStakeholder = defineFunction({
  name: 'remove-stakeholder',
  summary: 'Removes a stakeholder who owns no milestone.',
  input: removeStakeholderFunctionInputSchema,
  output: planResponseSchema,
  writes: true,
  handler: async (deps, caller, input) => {
    const ctx = editContext(deps, caller);
    const loaded = await loadOrEmpty(deps, dealRef(caller, input.dealId), caller.requestDigest);
    if (!loaded.ok) return loaded;
    if (!loaded.value.saved) return err(planNotFound(input.dealId));
    const result = removeStakeholderEdit(loaded.value.plan, { stakeholderId: input.stakeholderId }, ctx);
    return finishOneEdit(deps, loaded.value, result, input.baseVersion, ctx.today);
  },
});
