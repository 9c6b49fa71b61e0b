/**
 * apply-template: fills the plan from a template, dated back from the target close date. A plan that
 * already has milestones is refused (PLAN_NOT_EMPTY) unless `replace: true`.
 */
import { applyTemplate as applyTemplateEdit } from '../src/domain/templates.js';
import { err, ok } from '../src/domain/result.js';
import { CONTRACT } from '../src/contract/index.js';
import { editPlan, invalidInput } from './plan-ops.js';
import { defineFunction } from './types.js';

export const applyTemplate = defineFunction({
  ...CONTRACT['apply-template'],
  handler: (deps, caller, input) =>
    editPlan(deps, caller, input.dealId, input.baseVersion, {
      apply: (plan, ctx) => {
        const result = applyTemplateEdit(
          plan,
          {
            templateId: input.templateId,
            targetCloseDate: input.targetCloseDate,
            replaceExisting: input.replace,
            assignees: input.assignees,
          },
          ctx,
        );
        if (result.ok) return ok(result.value.plan);
        const problems = result.error.map((p) =>
          p.path === 'replaceExisting' ? { ...p, path: 'replace' } : p,
        );
        const notEmpty = problems.find((p) => p.code === 'plan_not_empty');
        if (notEmpty) return err({ code: 'PLAN_NOT_EMPTY', message: notEmpty.message, problems: [notEmpty] });
        return err(invalidInput(problems));
      },
    }),
});
