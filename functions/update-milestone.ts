/**
 * update-milestone: the quick edits of one milestone from the card — its status (with a completion date
 * when done), its due date (with the reason, which the activity log keeps), its owners.
 *
 * `baseVersion` is optional here: without it the edit applies to the plan as it is now (it runs under the
 * deal's lock, so parallel quick edits all apply, one after another). With it, a stale base is rebased onto
 * the current version when the changes made since touch neither the same field of this milestone nor the
 * milestone as a whole; otherwise it is a VERSION_CONFLICT, as everywhere else.
 */
import type { z } from 'zod';
import {
  moveDueDate,
  setMilestoneStatus,
  updateMilestone as updateMilestoneEdit,
  type EditResult,
} from '../src/domain/edits.js';
import type { EditContext, Plan } from '../src/domain/model.js';
import { err, ok, problem, type Problem, type Result } from '../src/domain/result.js';
import { CONTRACT, type updateMilestoneFunctionInputSchema } from '../src/contract/index.js';
import { editPlan, editProblems, invalidInput } from './plan-ops.js';
import { changesSince, type StoredPlan } from '../src/ports/plan-store.js';
import { defineFunction } from './types.js';

type Input = z.output<typeof updateMilestoneFunctionInputSchema>;

/** Rules across fields, all reported at once. */
function checkCombination(input: Input): Problem[] {
  const problems: Problem[] = [];
  const changes = [input.status, input.dueDate, input.sellerOwnerId, input.buyerOwnerId].filter(
    (v) => v !== undefined,
  );
  if (changes.length === 0) {
    problems.push(
      problem('', 'required', 'Say what to change: a status, a due date (with a reason) or an owner.'),
    );
  }
  if (input.dueDate !== undefined && (input.reason === undefined || input.reason.trim() === '')) {
    problems.push(
      problem('reason', 'required', 'Moving a due date needs a reason; it is kept in the activity log.'),
    );
  }
  if (input.dueDate === undefined && input.reason !== undefined) {
    problems.push(problem('reason', 'invalid_value', 'A reason is only given when the due date moves.'));
  }
  if (input.completedDate !== undefined && input.status !== 'done') {
    problems.push(
      problem(
        'completedDate',
        'invalid_value',
        'A completion date can only be given when the milestone is marked done.',
      ),
    );
  }
  return problems;
}

/** Applies the requested changes in order; every failing change reports its problems. */
function applyChanges(plan: Plan, input: Input, ctx: EditContext): Result<Plan, Problem[]> {
  const { milestoneId } = input;
  const steps: (() => EditResult)[] = [];
  let current = plan;
  if (input.status !== undefined) {
    const status = input.status;
    steps.push(() =>
      setMilestoneStatus(
        current,
        {
          milestoneId,
          status,
          ...(input.completedDate === undefined ? {} : { completedDate: input.completedDate }),
        },
        ctx,
      ),
    );
  }
  if (input.dueDate !== undefined) {
    const dueDate = input.dueDate;
    steps.push(() => moveDueDate(current, { milestoneId, dueDate, reason: input.reason ?? '' }, ctx));
  }
  if (input.sellerOwnerId !== undefined || input.buyerOwnerId !== undefined) {
    const patch = {
      ...(input.sellerOwnerId === undefined ? {} : { sellerOwnerId: input.sellerOwnerId }),
      ...(input.buyerOwnerId === undefined ? {} : { buyerOwnerId: input.buyerOwnerId }),
    };
    steps.push(() => updateMilestoneEdit(current, { milestoneId, patch }, ctx));
  }
  const problems: Problem[] = [];
  for (const step of steps) {
    const result = step();
    if (result.ok) current = result.value.plan;
    // Paths of the patch edit name `patch.x`; the function's input has the owners at the top level.
    else problems.push(...editProblems(result).map((p) => ({ ...p, path: p.path.replace(/^patch\./, '') })));
  }
  // The same problem (an unknown milestone id) comes once per change: report it once.
  const unique = problems.filter(
    (p, i) => problems.findIndex((q) => q.path === p.path && q.message === p.message) === i,
  );
  return unique.length > 0 ? err(unique) : ok(current);
}

/**
 * Whether what changed since `base` touches what this edit changes: the same field of the same milestone
 * (its status, its due date), the milestone as a whole (edited, removed, added again), or the whole plan (a
 * template applied). Unknown history (the log no longer reaches back to `base`) counts as touching.
 */
function touchedSince(stored: StoredPlan, base: number, input: Input): boolean {
  const since = changesSince(stored, base);
  if (!since.complete) return true;
  return since.changes.some((change) => {
    if (change.kind === 'template_applied' || change.kind === 'plan_created') return true;
    if (change.milestoneId !== input.milestoneId) return false;
    if (change.kind === 'status_changed') return input.status !== undefined;
    if (change.kind === 'due_date_moved') return input.dueDate !== undefined;
    // Added again, removed, or edited as a whole (title, owners, ...): any edit of it conflicts.
    return true;
  });
}

export const updateMilestone = defineFunction({
  ...CONTRACT['update-milestone'],
  handler: async (deps, caller, input) => {
    const problems = checkCombination(input);
    if (problems.length > 0) return err(invalidInput(problems));
    return editPlan(deps, caller, input.dealId, input.baseVersion, {
      needsPlan: true,
      // Later changes that touch other milestones or other fields: the edit applies to the plan as it is now.
      rebases: (stored, base) => !touchedSince(stored, base, input),
      apply: (plan, ctx) => {
        const edited = applyChanges(plan, input, ctx);
        return edited.ok ? edited : err(invalidInput(edited.error));
      },
    });
  },
});
