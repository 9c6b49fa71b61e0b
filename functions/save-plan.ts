/**
 * save-plan: a batch of whole-plan edits (any of the domain's EDITS, in order) based on one plan version.
 * Either every edit applies and the plan is saved once, or nothing is saved and the problems of every
 * failing edit come back (paths `edits[i].<path>`, where <path> is
 * the edit's own: a field of its input, or the place in the plan a rule refers to). A stale base version is a VERSION_CONFLICT.
 */
import { EDITS } from '../src/domain/edits.js';
import { err, ok, type Problem } from '../src/domain/result.js';
import { CONTRACT } from '../src/contract/index.js';
import { editPlan, editProblems, invalidInput } from './plan-ops.js';
import { defineFunction } from './types.js';

export const savePlan = defineFunction({
  ...CONTRACT['save-plan'],
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
