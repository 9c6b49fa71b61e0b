/**
 * save-plan: a batch of whole-plan edits (any of the domain's EDITS, in order) based on one plan version.
 * Either every edit applies and the plan is saved once, or nothing is saved and the problems of every
 * failing edit come back (paths `edits[i].<path>`, where <path> is
 * the edit's own: a field of its input, or the place in the plan a rule refers to). A stale base version is a VERSION_CONFLICT.
 */
import { z } from 'zod';
import { EDITS, type EditName } from '../src/domain/edits.js';
import { err, ok, type Problem } from '../src/domain/result.js';
import { dealIdSchema, planResponseSchema, versionSchema } from './contract.js';
import { editPlan, editProblems, invalidInput } from './plan-ops.js';
import { defineFunction } from './types.js';

export const EDIT_NAMES = Object.keys(EDITS) as [EditName, ...EditName[]];
/** Edits in one save: far more than a card sends, few enough to bound the work of one request. */
export const MAX_EDITS_PER_SAVE = 100;

export const planEditSchema = z.strictObject({
  edit: z.enum(EDIT_NAMES),
  /** The edit's own input (src/domain/edits.ts schemas); checked by the edit. */
  input: z.unknown(),
});
export type PlanEditRequest = z.input<typeof planEditSchema>;

export const savePlanInputSchema = z.strictObject({
  dealId: dealIdSchema,
  baseVersion: versionSchema,
  edits: z.array(planEditSchema).min(1).max(MAX_EDITS_PER_SAVE),
});
export type SavePlanInput = z.input<typeof savePlanInputSchema>;

export const savePlan = defineFunction({
  name: 'save-plan',
  summary: 'Applies a batch of plan edits based on one version and saves the plan once.',
  input: savePlanInputSchema,
  output: planResponseSchema,
  writes: true,
  handler: (deps, caller, input) =>
    editPlan(deps, caller, input.dealId, input.baseVersion, {
      apply: (plan, ctx) => {
        let current = plan;
        const problems: Problem[] = [];
        input.edits.forEach((step, i) => {
          const result = EDITS[step.edit](current, step.input, ctx);
          // A failing edit leaves the plan as it was, so that later edits still report their own problems.
          if (result.ok) current = result.value.plan;
          else problems.push(...editProblems(result, `edits[${i}].`));
        });
        return problems.length > 0 ? err(invalidInput(problems)) : ok(current);
      },
    }),
});
