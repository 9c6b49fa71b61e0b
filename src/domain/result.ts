/** The one convention for expected failures: return a result; throw only for bugs. */
export type Result<T, E> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E };

export const ok = <T>(value: T): { readonly ok: true; readonly value: T } => ({ ok: true, value });
export const err = <E>(error: E): { readonly ok: false; readonly error: E } => ({ ok: false, error });

/**
 * One problem found in a plan or in an edit: where it is (a path such as `milestones[2].title`), a closed
 * code for programs, and a sentence a rep understands.
 */
export interface Problem {
  readonly path: string;
  readonly code: ProblemCode;
  readonly message: string;
}

export const PROBLEM_CODES = [
  'invalid_value',
  'required',
  'too_long',
  'too_many',
  'duplicate_id',
  'unknown_owner',
  'owner_wrong_side',
  'no_owner',
  'unknown_dependency',
  'self_dependency',
  'dependency_cycle',
  'no_close_milestone',
  'several_close_milestones',
  'due_before_dependency',
  'done_without_completed_date',
  'completed_date_not_done',
  'not_found',
  'stakeholder_owns_milestones',
  'milestone_has_dependents',
  'use_move_due_date',
  'completed_date_in_future',
  'plan_not_empty',
  'target_too_soon',
  'target_too_late',
  'invalid_template',
] as const;
export type ProblemCode = (typeof PROBLEM_CODES)[number];

export const problem = (path: string, code: ProblemCode, message: string): Problem => ({
  path,
  code,
  message,
});
