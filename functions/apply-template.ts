/**
 * apply-template: fills the plan from a template, dated back from the target close date. A plan that
 * already has milestones is refused (PLAN_NOT_EMPTY) unless `replace: true`.
 */
import { applyTemplate as applyTemplateEdit } from '../src/domain/templates.js';
import { err } from '../src/domain/result.js';
import { CONTRACT } from '../src/contract/index.js';
import { dealRef, editContext, finishOneEdit, loadOrEmpty, saveEdited } from './plan-ops.js';
import { defineFunction } from './types.js';

export const applyTemplate = defineFunction({
  ...CONTRACT['apply-template'],
  handler: async (deps, caller, input) => {
    const ctx = editContext(deps, caller);
    const loaded = await loadOrEmpty(deps, dealRef(caller, input.dealId), caller.requestDigest);
    if (!loaded.ok) return loaded;
    const { plan } = loaded.value;
    if (input.baseVersion !== plan.version)
      return saveEdited(deps, loaded.value, plan, input.baseVersion, ctx.today);
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
    if (!result.ok) {
      const problems = result.error.map((p) =>
        p.path === 'replaceExisting' ? { ...p, path: 'replace' } : p,
      );
      const notEmpty = problems.find((p) => p.code === 'plan_not_empty');
      if (notEmpty) return err({ code: 'PLAN_NOT_EMPTY', message: notEmpty.message, problems: [notEmpty] });
      return finishOneEdit(deps, loaded.value, err(problems), input.baseVersion, ctx.today);
    }
    return finishOneEdit(deps, loaded.value, result, input.baseVersion, ctx.today);
  },
});
