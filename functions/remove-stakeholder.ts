/** remove-stakeholder: removes a stakeholder who owns no milestone. */
import type { z } from 'zod';
import {
  removeStakeholder as removeStakeholderEdit,
  removeStakeholderInputSchema,
} from '../src/domain/edits.js';
import { dealIdSchema, planResponseSchema, versionSchema } from './contract.js';
import { editedPlan, editPlan } from './plan-ops.js';
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
  handler: (deps, caller, input) =>
    editPlan(deps, caller, input.dealId, input.baseVersion, {
      needsPlan: true,
      apply: (plan, ctx) =>
        editedPlan(removeStakeholderEdit(plan, { stakeholderId: input.stakeholderId }, ctx)),
    }),
});
