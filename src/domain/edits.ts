/**
 * Plan edits: pure functions `(plan, input, ctx) => Result<EditOutcome, Problem[]>`.
 *
 * Each edit parses its input with a strict schema (exported: the backend reuses them as request schemas),
 * applies the change to a copy, logs what it did, and runs checkPlan on the result: an edit that would leave
 * the plan invalid returns the problems and changes nothing. The input plan is never mutated. An edit that
 * changes nothing returns the same plan object and no activity entry. Edits leave plan.version alone: the
 * store increments it when it saves.
 */
import { z } from 'zod';
import {
  isoDateSchema,
  LIMITS,
  milestoneStatusSchema,
  multiLineTextSchema,
  singleLineTextSchema,
  ownerSideSchema,
  riskStatusSchema,
  sideSchema,
  stakeholderRoleSchema,
  visibilitySchema,
} from './model.js';
import type {
  ActivityEntry,
  ActivityKind,
  EditContext,
  Goal,
  Milestone,
  MilestoneStatus,
  Plan,
  Risk,
  Stakeholder,
} from './model.js';
import { err, ok, problem } from './result.js';
import type { Problem, Result } from './result.js';
import { checkPlan } from './validate.js';
import { listNames, quote } from './wording.js';
import { zodErrorToProblems } from './zod-problems.js';

export interface EditOutcome {
  readonly plan: Plan;
  /** The entries this edit added (plan.activity already includes them). */
  readonly activity: ActivityEntry[];
}
export type EditResult = Result<EditOutcome, Problem[]>;
/** Every edit has this shape; `input` is parsed by the edit's own schema. */
export type PlanEdit = (plan: Plan, input: unknown, ctx: EditContext) => EditResult;

/** A reason for a date move: long enough to explain, short enough to keep the log entry readable. */
export const MAX_REASON_LENGTH = 500;

// ---------------------------------------------------------------------------------------------------------
// Input schemas

const idInput = z.string().min(1).max(LIMITS.id);
// Text is cleaned before it is trimmed and measured (model.ts): a name made only of control characters is empty.
const requiredText = (max: number) => singleLineTextSchema().trim().min(1).max(max);
const optionalText = (max: number) => singleLineTextSchema().trim().max(max);
const optionalParagraph = (max: number) => multiLineTextSchema().trim().max(max);
const requiredParagraph = (max: number) => multiLineTextSchema().trim().min(1).max(max);
const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** An email address, or null; an empty string (a cleared form field) means null. */
const emailInput = singleLineTextSchema()
  .trim()
  .max(LIMITS.email)
  .refine((s) => s === '' || EMAIL_RE.test(s), {
    message: 'must be an email address such as name@company.com',
  })
  .transform((s) => (s === '' ? null : s))
  .nullable();
const weightInput = z.number().positive().max(LIMITS.maxWeight);

export const addMilestoneInputSchema = z.strictObject({
  /** A client-generated id makes a retried create idempotent; without one the edit takes ctx.newId(). */
  id: idInput.optional(),
  title: requiredText(LIMITS.title),
  description: optionalParagraph(LIMITS.description).default(''),
  phase: optionalText(LIMITS.phase).default(''),
  sellerOwnerId: idInput.nullable().default(null),
  buyerOwnerId: idInput.nullable().default(null),
  dueDate: isoDateSchema,
  dependsOn: z.array(idInput).max(LIMITS.dependsOn).default([]),
  /**
   * True moves the close flag to this milestone from the current close milestone. Left out, the milestone
   * becomes the close milestone only when the plan has none yet (its first milestone), so that a rep can
   * start a plan by hand without knowing the one-close-milestone rule.
   */
  isClose: z.boolean().optional(),
  visibility: visibilitySchema.default('shared'),
  successCriteria: optionalParagraph(LIMITS.successCriteria).default(''),
  weight: weightInput.default(1),
  /** Position among the milestones (0 = first); at the end when absent. */
  order: z.number().int().nonnegative().optional(),
  status: milestoneStatusSchema.default('not_started'),
  /** Only with status done; defaults to today then. */
  completedDate: isoDateSchema.optional(),
});
export type AddMilestoneInput = z.input<typeof addMilestoneInputSchema>;

export const milestonePatchSchema = z.strictObject({
  title: requiredText(LIMITS.title).optional(),
  description: optionalParagraph(LIMITS.description).optional(),
  phase: optionalText(LIMITS.phase).optional(),
  sellerOwnerId: idInput.nullable().optional(),
  buyerOwnerId: idInput.nullable().optional(),
  dependsOn: z.array(idInput).max(LIMITS.dependsOn).optional(),
  /** True moves the close flag to this milestone from the current close milestone. */
  isClose: z.boolean().optional(),
  visibility: visibilitySchema.optional(),
  successCriteria: optionalParagraph(LIMITS.successCriteria).optional(),
  weight: weightInput.optional(),
});
export const updateMilestoneInputSchema = z.strictObject({
  milestoneId: idInput,
  patch: milestonePatchSchema,
});
export type UpdateMilestoneInput = z.input<typeof updateMilestoneInputSchema>;

export const removeMilestoneInputSchema = z.strictObject({ milestoneId: idInput });
export type RemoveMilestoneInput = z.input<typeof removeMilestoneInputSchema>;

export const reorderMilestonesInputSchema = z.strictObject({
  /** Every milestone id of the plan, once each, in the new order. */
  milestoneIds: z.array(idInput).max(LIMITS.milestones),
});
export type ReorderMilestonesInput = z.input<typeof reorderMilestonesInputSchema>;

export const setMilestoneStatusInputSchema = z.strictObject({
  milestoneId: idInput,
  status: milestoneStatusSchema,
  /** Only with status done: when it was done (not in the future); today when absent. */
  completedDate: isoDateSchema.optional(),
});
export type SetMilestoneStatusInput = z.input<typeof setMilestoneStatusInputSchema>;

export const moveDueDateInputSchema = z.strictObject({
  milestoneId: idInput,
  dueDate: isoDateSchema,
  reason: requiredParagraph(MAX_REASON_LENGTH),
});
export type MoveDueDateInput = z.input<typeof moveDueDateInputSchema>;

export const addStakeholderInputSchema = z.strictObject({
  /** A client-generated id makes a retried create idempotent; without one the edit takes ctx.newId(). */
  id: idInput.optional(),
  side: sideSchema,
  name: requiredText(LIMITS.name),
  email: emailInput.default(null),
  title: optionalText(LIMITS.title).default(''),
  role: stakeholderRoleSchema.default('other'),
  crmContactId: idInput.nullable().default(null),
  ownerId: idInput.nullable().default(null),
});
export type AddStakeholderInput = z.input<typeof addStakeholderInputSchema>;

export const stakeholderPatchSchema = z.strictObject({
  side: sideSchema.optional(),
  name: requiredText(LIMITS.name).optional(),
  email: emailInput.optional(),
  title: optionalText(LIMITS.title).optional(),
  role: stakeholderRoleSchema.optional(),
  crmContactId: idInput.nullable().optional(),
  ownerId: idInput.nullable().optional(),
});
export const updateStakeholderInputSchema = z.strictObject({
  stakeholderId: idInput,
  patch: stakeholderPatchSchema,
});
export type UpdateStakeholderInput = z.input<typeof updateStakeholderInputSchema>;

export const removeStakeholderInputSchema = z.strictObject({ stakeholderId: idInput });
export type RemoveStakeholderInput = z.input<typeof removeStakeholderInputSchema>;

export const setValueSummaryInputSchema = z.strictObject({
  valueSummary: optionalParagraph(LIMITS.valueSummary),
});
export type SetValueSummaryInput = z.input<typeof setValueSummaryInputSchema>;

export const goalInputSchema = z.strictObject({
  /** Absent for a new goal: the edit gives it ctx.newId(). */
  id: idInput.optional(),
  description: requiredParagraph(LIMITS.goalText),
  metric: optionalText(LIMITS.goalText).default(''),
  target: optionalText(LIMITS.goalText).default(''),
  byDate: isoDateSchema.nullable().default(null),
});
export const setGoalsInputSchema = z.strictObject({ goals: z.array(goalInputSchema).max(LIMITS.goals) });
export type SetGoalsInput = z.input<typeof setGoalsInputSchema>;

export const riskInputSchema = z.strictObject({
  /** Absent for a new risk: the edit gives it ctx.newId(). */
  id: idInput.optional(),
  description: requiredParagraph(LIMITS.riskText),
  mitigation: optionalParagraph(LIMITS.riskText).default(''),
  ownerSide: ownerSideSchema.default('joint'),
  status: riskStatusSchema.default('open'),
});
export const setRisksInputSchema = z.strictObject({ risks: z.array(riskInputSchema).max(LIMITS.risks) });
export type SetRisksInput = z.input<typeof setRisksInputSchema>;

export const setTargetCloseDateInputSchema = z.strictObject({ targetCloseDate: isoDateSchema.nullable() });
export type SetTargetCloseDateInput = z.input<typeof setTargetCloseDateInputSchema>;

export const setPlanTitleInputSchema = z.strictObject({ title: optionalText(LIMITS.title) });
export type SetPlanTitleInput = z.input<typeof setPlanTitleInputSchema>;

// ---------------------------------------------------------------------------------------------------------
// Shared machinery

/** Parses an edit's input; the problems name fields the way validation does. */
export function parseInput<T>(schema: z.ZodType<T>, input: unknown): Result<T, Problem[]> {
  const parsed = schema.safeParse(input);
  return parsed.success ? ok(parsed.data) : err(zodErrorToProblems(parsed.error, input));
}

/** One activity entry by the context's actor at the context's time; the text is cut to the log's limit. */
export function activityEntry(
  ctx: EditContext,
  kind: ActivityKind,
  text: string,
  milestoneId: string | null = null,
): ActivityEntry {
  const bounded = text.length > LIMITS.activityText ? `${text.slice(0, LIMITS.activityText - 1)}…` : text;
  return { at: ctx.now, actor: ctx.actor, kind, text: bounded, milestoneId };
}

/** Appends entries to a log, keeping the newest LIMITS.activity entries. */
export function appendActivity(
  log: readonly ActivityEntry[],
  entries: readonly ActivityEntry[],
): ActivityEntry[] {
  return [...log, ...entries].slice(-LIMITS.activity);
}

/**
 * The end of every edit: no entries means nothing changed (the same plan comes back); otherwise log the
 * entries and accept the new plan only if it passes checkPlan.
 */
export function finishEdit(before: Plan, after: Plan, entries: readonly ActivityEntry[]): EditResult {
  if (entries.length === 0) return ok({ plan: before, activity: [] });
  const plan: Plan = { ...after, activity: appendActivity(after.activity, entries) };
  const problems = checkPlan(plan);
  return problems.length > 0 ? err(problems) : ok({ plan, activity: [...entries] });
}

const sameList = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((x, i) => x === b[i]);

/** Ends a sentence that quotes the rep's own words. */
const sentence = (text: string): string => (/[.!?…]$/.test(text) ? text : `${text}.`);

const STATUS_LABELS: Readonly<Record<MilestoneStatus, string>> = {
  not_started: 'not started',
  in_progress: 'in progress',
  blocked: 'blocked',
  done: 'done',
  skipped: 'skipped',
};

function findMilestone(
  plan: Plan,
  id: string,
  path: string,
): Result<{ milestone: Milestone; index: number }, Problem[]> {
  const index = plan.milestones.findIndex((m) => m.id === id);
  const milestone = plan.milestones[index];
  if (!milestone) {
    return err([
      problem(
        path,
        'not_found',
        `This plan has no milestone with the id ${quote(id)}; it may have been removed. Reload the plan and try again.`,
      ),
    ]);
  }
  return ok({ milestone, index });
}

function findStakeholder(
  plan: Plan,
  id: string,
  path: string,
): Result<{ stakeholder: Stakeholder; index: number }, Problem[]> {
  const index = plan.stakeholders.findIndex((s) => s.id === id);
  const stakeholder = plan.stakeholders[index];
  if (!stakeholder) {
    return err([
      problem(
        path,
        'not_found',
        `This plan has no stakeholder with the id ${quote(id)}; they may have been removed. Reload the plan and try again.`,
      ),
    ]);
  }
  return ok({ stakeholder, index });
}

const stakeholderLabel = (plan: Plan, id: string | null): string => {
  const s = id === null ? undefined : plan.stakeholders.find((x) => x.id === id);
  return s ? quote(s.name) : (id ?? '');
};

/**
 * Makes `closeId` the only close milestone; returns the milestones and the title of the one that lost the
 * flag. Moving the flag has to happen in one edit: two close milestones, or none, is never a valid plan.
 */
function moveCloseFlag(
  milestones: readonly Milestone[],
  closeId: string,
): { milestones: Milestone[]; previous: Milestone | undefined } {
  const previous = milestones.find((m) => m.isClose && m.id !== closeId);
  return {
    milestones: milestones.map((m) =>
      m.id === closeId ? (m.isClose ? m : { ...m, isClose: true }) : m.isClose ? { ...m, isClose: false } : m,
    ),
    previous,
  };
}

/** Completion date for a milestone marked done: the one given (not in the future), else `fallback`. */
function completionDate(
  given: string | undefined,
  fallback: string,
  ctx: EditContext,
  path: string,
): Result<string, Problem[]> {
  const date = given ?? fallback;
  if (date > ctx.today) {
    return err([
      problem(
        path,
        'completed_date_in_future',
        `The completion date ${date} is in the future; today is ${ctx.today}.`,
      ),
    ]);
  }
  return ok(date);
}

const ONLY_WHEN_DONE = 'A completion date can only be given when the milestone is marked done.';

// ---------------------------------------------------------------------------------------------------------
// Milestones

export function addMilestone(plan: Plan, rawInput: unknown, ctx: EditContext): EditResult {
  const parsed = parseInput(addMilestoneInputSchema, rawInput);
  if (!parsed.ok) return parsed;
  const input = parsed.value;

  if (input.id !== undefined) {
    const existing = plan.milestones.find((m) => m.id === input.id);
    // The same id and title is a retried create that already succeeded: nothing more to do.
    if (existing && existing.title === input.title) return ok({ plan, activity: [] });
    if (existing) {
      return err([
        problem(
          'id',
          'duplicate_id',
          `Milestone ${quote(existing.title)} already has the id ${quote(input.id)}; a new milestone needs its own id.`,
        ),
      ]);
    }
  }

  let completedDate: string | null = null;
  if (input.status === 'done') {
    const date = completionDate(input.completedDate, ctx.today, ctx, 'completedDate');
    if (!date.ok) return date;
    completedDate = date.value;
  } else if (input.completedDate !== undefined) {
    return err([problem('completedDate', 'invalid_value', ONLY_WHEN_DONE)]);
  }

  const id = input.id ?? ctx.newId();
  const end = plan.milestones.reduce((max, m) => Math.max(max, m.order + 1), 0);
  const order = input.order ?? end;
  const milestone: Milestone = {
    id,
    title: input.title,
    description: input.description,
    phase: input.phase,
    sellerOwnerId: input.sellerOwnerId,
    buyerOwnerId: input.buyerOwnerId,
    dueDate: input.dueDate,
    baselineDueDate: input.dueDate,
    status: input.status,
    completedDate,
    dependsOn: input.dependsOn,
    isClose: input.isClose ?? !plan.milestones.some((m) => m.isClose && m.status !== 'skipped'),
    visibility: input.visibility,
    successCriteria: input.successCriteria,
    weight: input.weight,
    order,
  };
  // An explicit position pushes the milestones at and after it one place down.
  let milestones = [
    ...plan.milestones.map((m) =>
      input.order !== undefined && m.order >= order ? { ...m, order: m.order + 1 } : m,
    ),
    milestone,
  ];
  let text = `Added milestone ${quote(milestone.title)}, due ${milestone.dueDate}.`;
  if (milestone.isClose) {
    const moved = moveCloseFlag(milestones, id);
    milestones = moved.milestones;
    text = moved.previous
      ? `Added milestone ${quote(milestone.title)}, due ${milestone.dueDate}, as the close milestone instead of ${quote(moved.previous.title)}.`
      : `Added milestone ${quote(milestone.title)}, due ${milestone.dueDate}, as the close milestone.`;
  }
  return finishEdit(plan, { ...plan, milestones }, [activityEntry(ctx, 'milestone_added', text, id)]);
}

/** Fields that updateMilestone refuses, with the edit that changes them. */
const REDIRECTED_MILESTONE_FIELDS: Readonly<Record<string, Problem['code']>> = {
  dueDate: 'use_move_due_date',
  baselineDueDate: 'use_move_due_date',
  status: 'invalid_value',
  completedDate: 'invalid_value',
  order: 'invalid_value',
  id: 'invalid_value',
};
const REDIRECT_MESSAGES: Readonly<Record<string, string>> = {
  dueDate:
    'The due date cannot be changed here: move it with “Move due date”, which keeps the agreed date and records the reason.',
  baselineDueDate:
    'The baseline due date is the date first agreed and never changes; move the due date with “Move due date”.',
  status: 'The status cannot be changed here: use “Set status”.',
  completedDate: 'The completion date is set when the milestone is marked done, with “Set status”.',
  order: 'The position cannot be changed here: reorder the milestones instead.',
  id: 'A milestone keeps its id.',
};

export function updateMilestone(plan: Plan, rawInput: unknown, ctx: EditContext): EditResult {
  // Fields that belong to another edit get a message naming that edit, not a bare "unknown field".
  const redirected: Problem[] = [];
  let input = rawInput;
  if (rawInput !== null && typeof rawInput === 'object' && 'patch' in rawInput) {
    const patch: unknown = rawInput.patch;
    if (patch !== null && typeof patch === 'object') {
      const kept: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(patch)) {
        const code = REDIRECTED_MILESTONE_FIELDS[key];
        if (code)
          redirected.push(
            problem(`patch.${key}`, code, REDIRECT_MESSAGES[key] ?? 'This field cannot be changed here.'),
          );
        else kept[key] = value;
      }
      input = { ...rawInput, patch: kept };
    }
  }
  const parsed = parseInput(updateMilestoneInputSchema, input);
  if (!parsed.ok || redirected.length > 0) return err([...redirected, ...(parsed.ok ? [] : parsed.error)]);
  const { milestoneId, patch } = parsed.value;
  const found = findMilestone(plan, milestoneId, 'milestoneId');
  if (!found.ok) return found;
  const before = found.value.milestone;

  const changes: string[] = [];
  let after: Milestone = before;
  const set = <K extends keyof Milestone>(
    key: K,
    value: Milestone[K] | undefined,
    describe: () => string,
  ): void => {
    if (value === undefined) return;
    const current = after[key];
    const same =
      Array.isArray(current) && Array.isArray(value) ? sameList(current, value) : current === value;
    if (same) return;
    after = { ...after, [key]: value };
    changes.push(describe());
  };
  set('title', patch.title, () => `renamed it to ${quote(patch.title ?? '')}`);
  set('description', patch.description, () => 'changed the description');
  set('phase', patch.phase, () =>
    patch.phase ? `moved it to the phase ${quote(patch.phase)}` : 'cleared its phase',
  );
  set('sellerOwnerId', patch.sellerOwnerId, () =>
    patch.sellerOwnerId
      ? `made ${stakeholderLabel(plan, patch.sellerOwnerId)} the seller-side owner`
      : 'removed the seller-side owner',
  );
  set('buyerOwnerId', patch.buyerOwnerId, () =>
    patch.buyerOwnerId
      ? `made ${stakeholderLabel(plan, patch.buyerOwnerId)} the buyer-side owner`
      : 'removed the buyer-side owner',
  );
  set('dependsOn', patch.dependsOn, () => 'changed its dependencies');
  set('visibility', patch.visibility, () =>
    patch.visibility === 'internal' ? 'made it internal (hidden from the buyer)' : 'shared it with the buyer',
  );
  set('successCriteria', patch.successCriteria, () => 'changed the success criteria');
  set('weight', patch.weight, () => `set its weight to ${patch.weight ?? ''}`);

  let milestones = plan.milestones.map((m) => (m.id === milestoneId ? after : m));
  if (patch.isClose !== undefined && patch.isClose !== before.isClose) {
    if (patch.isClose) {
      const moved = moveCloseFlag(milestones, milestoneId);
      milestones = moved.milestones;
      changes.push(
        moved.previous
          ? `made it the close milestone instead of ${quote(moved.previous.title)}`
          : 'made it the close milestone',
      );
    } else {
      milestones = milestones.map((m) => (m.id === milestoneId ? { ...m, isClose: false } : m));
      changes.push('unmarked it as the close milestone');
    }
  }
  if (changes.length === 0) return ok({ plan, activity: [] });
  const onlyRenamed = changes.length === 1 && patch.title !== undefined && patch.title !== before.title;
  const text = onlyRenamed
    ? `Renamed milestone ${quote(before.title)} to ${quote(after.title)}.`
    : `Updated milestone ${quote(before.title)}: ${listNames(changes)}.`;
  return finishEdit(plan, { ...plan, milestones }, [
    activityEntry(ctx, 'milestone_updated', text, milestoneId),
  ]);
}

export function removeMilestone(plan: Plan, rawInput: unknown, ctx: EditContext): EditResult {
  const parsed = parseInput(removeMilestoneInputSchema, rawInput);
  if (!parsed.ok) return parsed;
  const { milestoneId } = parsed.value;
  const found = findMilestone(plan, milestoneId, 'milestoneId');
  if (!found.ok) return found;
  const target = found.value.milestone;
  const dependents = plan.milestones.filter((m) => m.id !== milestoneId && m.dependsOn.includes(milestoneId));
  if (dependents.length > 0) {
    const names = listNames(dependents.map((m) => quote(m.title)));
    const verb = dependents.length === 1 ? 'depends' : 'depend';
    return err([
      problem(
        'milestoneId',
        'milestone_has_dependents',
        `Milestone ${quote(target.title)} cannot be removed because ${names} ${verb} on it; remove ${dependents.length === 1 ? 'that dependency' : 'those dependencies'} first.`,
      ),
    ]);
  }
  const milestones = plan.milestones.filter((m) => m.id !== milestoneId);
  return finishEdit(plan, { ...plan, milestones }, [
    activityEntry(ctx, 'milestone_removed', `Removed milestone ${quote(target.title)}.`, milestoneId),
  ]);
}

export function reorderMilestones(plan: Plan, rawInput: unknown, ctx: EditContext): EditResult {
  const parsed = parseInput(reorderMilestonesInputSchema, rawInput);
  if (!parsed.ok) return parsed;
  const ids = parsed.value.milestoneIds;
  const known = new Set(plan.milestones.map((m) => m.id));
  const seen = new Set<string>();
  const repeated: string[] = [];
  const unknown: string[] = [];
  for (const id of ids) {
    if (seen.has(id)) repeated.push(id);
    else if (!known.has(id)) unknown.push(id);
    seen.add(id);
  }
  const missing = plan.milestones.filter((m) => !seen.has(m.id));
  if (repeated.length > 0 || unknown.length > 0 || missing.length > 0) {
    const parts = [
      ...(missing.length > 0
        ? [`${listNames(missing.map((m) => quote(m.title)))} ${missing.length === 1 ? 'is' : 'are'} missing`]
        : []),
      ...(repeated.length > 0
        ? [
            `${listNames(repeated.map((id) => quote(plan.milestones.find((m) => m.id === id)?.title ?? id)))} listed more than once`,
          ]
        : []),
      ...(unknown.length > 0
        ? [`${listNames(unknown)} ${unknown.length === 1 ? 'is' : 'are'} not in the plan`]
        : []),
    ];
    return err([
      problem(
        'milestoneIds',
        'invalid_value',
        `The new order must list every milestone of the plan exactly once: ${parts.join('; ')}.`,
      ),
    ]);
  }
  const position = new Map(ids.map((id, i) => [id, i] as const));
  let changed = false;
  const milestones = plan.milestones.map((m) => {
    const order = position.get(m.id) ?? m.order;
    if (order === m.order) return m;
    changed = true;
    return { ...m, order };
  });
  if (!changed) return ok({ plan, activity: [] });
  return finishEdit(plan, { ...plan, milestones }, [
    activityEntry(ctx, 'milestones_reordered', 'Reordered the milestones.'),
  ]);
}

export function setMilestoneStatus(plan: Plan, rawInput: unknown, ctx: EditContext): EditResult {
  const parsed = parseInput(setMilestoneStatusInputSchema, rawInput);
  if (!parsed.ok) return parsed;
  const input = parsed.value;
  const found = findMilestone(plan, input.milestoneId, 'milestoneId');
  if (!found.ok) return found;
  const before = found.value.milestone;

  let completedDate: string | null = null;
  if (input.status === 'done') {
    const date = completionDate(input.completedDate, before.completedDate ?? ctx.today, ctx, 'completedDate');
    if (!date.ok) return date;
    completedDate = date.value;
  } else if (input.completedDate !== undefined) {
    return err([problem('completedDate', 'invalid_value', ONLY_WHEN_DONE)]);
  }
  if (input.status === before.status && completedDate === before.completedDate)
    return ok({ plan, activity: [] });

  const name = quote(before.title);
  let text: string;
  if (input.status === 'done') {
    text =
      before.status === 'done'
        ? `Changed the completion date of ${name} to ${completedDate ?? ''}.`
        : `Marked ${name} as done${completedDate === ctx.today ? '' : ` (completed ${completedDate ?? ''})`}.`;
  } else if (before.status === 'done') {
    text = `Reopened ${name} (now ${STATUS_LABELS[input.status]}).`;
  } else {
    text = `Changed the status of ${name} from ${STATUS_LABELS[before.status]} to ${STATUS_LABELS[input.status]}.`;
  }
  const after: Milestone = { ...before, status: input.status, completedDate };
  const milestones = plan.milestones.map((m) => (m.id === before.id ? after : m));
  return finishEdit(plan, { ...plan, milestones }, [activityEntry(ctx, 'status_changed', text, before.id)]);
}

export function moveDueDate(plan: Plan, rawInput: unknown, ctx: EditContext): EditResult {
  const parsed = parseInput(moveDueDateInputSchema, rawInput);
  if (!parsed.ok) return parsed;
  const { milestoneId, dueDate, reason } = parsed.value;
  const found = findMilestone(plan, milestoneId, 'milestoneId');
  if (!found.ok) return found;
  const before = found.value.milestone;
  if (before.dueDate === dueDate) return ok({ plan, activity: [] });
  // The baseline stays: it is the date first agreed, against which slip is measured.
  const milestones = plan.milestones.map((m) => (m.id === milestoneId ? { ...m, dueDate } : m));
  const text = `Moved ${quote(before.title)} from ${before.dueDate} to ${dueDate}: ${sentence(reason)}`;
  return finishEdit(plan, { ...plan, milestones }, [activityEntry(ctx, 'due_date_moved', text, milestoneId)]);
}

// ---------------------------------------------------------------------------------------------------------
// Stakeholders

const ROLE_LABEL = (role: string): string => role.replace(/_/g, ' ');

export function addStakeholder(plan: Plan, rawInput: unknown, ctx: EditContext): EditResult {
  const parsed = parseInput(addStakeholderInputSchema, rawInput);
  if (!parsed.ok) return parsed;
  const input = parsed.value;
  if (input.id !== undefined) {
    const existing = plan.stakeholders.find((s) => s.id === input.id);
    // The same id and name is a retried create that already succeeded.
    if (existing && existing.name === input.name) return ok({ plan, activity: [] });
    if (existing) {
      return err([
        problem(
          'id',
          'duplicate_id',
          `Stakeholder ${quote(existing.name)} already has the id ${quote(input.id)}; a new stakeholder needs its own id.`,
        ),
      ]);
    }
  }
  const stakeholder: Stakeholder = {
    id: input.id ?? ctx.newId(),
    side: input.side,
    name: input.name,
    email: input.email,
    title: input.title,
    role: input.role,
    crmContactId: input.crmContactId,
    ownerId: input.ownerId,
  };
  const text = `Added ${quote(stakeholder.name)} as a stakeholder (${ROLE_LABEL(stakeholder.role)}, ${stakeholder.side} side).`;
  return finishEdit(plan, { ...plan, stakeholders: [...plan.stakeholders, stakeholder] }, [
    activityEntry(ctx, 'stakeholder_added', text),
  ]);
}

const STAKEHOLDER_FIELD_LABELS: Readonly<Record<keyof z.output<typeof stakeholderPatchSchema>, string>> = {
  side: 'side',
  name: 'name',
  email: 'email',
  title: 'job title',
  role: 'role',
  crmContactId: 'CRM contact',
  ownerId: 'CRM owner',
};

export function updateStakeholder(plan: Plan, rawInput: unknown, ctx: EditContext): EditResult {
  const parsed = parseInput(updateStakeholderInputSchema, rawInput);
  if (!parsed.ok) return parsed;
  const { stakeholderId, patch } = parsed.value;
  const found = findStakeholder(plan, stakeholderId, 'stakeholderId');
  if (!found.ok) return found;
  const before = found.value.stakeholder;
  let after: Stakeholder = before;
  const changed: string[] = [];
  for (const key of Object.keys(STAKEHOLDER_FIELD_LABELS) as (keyof typeof STAKEHOLDER_FIELD_LABELS)[]) {
    const value = patch[key];
    if (value === undefined || value === before[key]) continue;
    after = { ...after, [key]: value };
    changed.push(`the ${STAKEHOLDER_FIELD_LABELS[key]}`);
  }
  if (changed.length === 0) return ok({ plan, activity: [] });
  const stakeholders = plan.stakeholders.map((s) => (s.id === stakeholderId ? after : s));
  const text = `Updated stakeholder ${quote(before.name)}: changed ${listNames(changed)}.`;
  return finishEdit(plan, { ...plan, stakeholders }, [activityEntry(ctx, 'stakeholder_updated', text)]);
}

export function removeStakeholder(plan: Plan, rawInput: unknown, ctx: EditContext): EditResult {
  const parsed = parseInput(removeStakeholderInputSchema, rawInput);
  if (!parsed.ok) return parsed;
  const { stakeholderId } = parsed.value;
  const found = findStakeholder(plan, stakeholderId, 'stakeholderId');
  if (!found.ok) return found;
  const target = found.value.stakeholder;
  const owned = plan.milestones.filter(
    (m) => m.sellerOwnerId === stakeholderId || m.buyerOwnerId === stakeholderId,
  );
  if (owned.length > 0) {
    return err([
      problem(
        'stakeholderId',
        'stakeholder_owns_milestones',
        `${quote(target.name)} cannot be removed while they own ${owned.length === 1 ? 'milestone' : 'milestones'} ${listNames(owned.map((m) => quote(m.title)))}; give ${owned.length === 1 ? 'it' : 'them'} another owner first.`,
      ),
    ]);
  }
  const stakeholders = plan.stakeholders.filter((s) => s.id !== stakeholderId);
  return finishEdit(plan, { ...plan, stakeholders }, [
    activityEntry(ctx, 'stakeholder_removed', `Removed stakeholder ${quote(target.name)}.`),
  ]);
}

// ---------------------------------------------------------------------------------------------------------
// Plan header

export function setValueSummary(plan: Plan, rawInput: unknown, ctx: EditContext): EditResult {
  const parsed = parseInput(setValueSummaryInputSchema, rawInput);
  if (!parsed.ok) return parsed;
  const { valueSummary } = parsed.value;
  if (valueSummary === plan.valueSummary) return ok({ plan, activity: [] });
  const text = valueSummary === '' ? 'Cleared the value summary.' : 'Edited the value summary.';
  return finishEdit(plan, { ...plan, valueSummary }, [activityEntry(ctx, 'value_summary_edited', text)]);
}

/** "2 added, 1 changed and 1 removed", comparing two lists by id; empty when nothing changed. */
function listChanges<T extends { readonly id: string }>(
  before: readonly T[],
  after: readonly T[],
  same: (a: T, b: T) => boolean,
): string[] {
  const old = new Map(before.map((x) => [x.id, x] as const));
  const ids = new Set(after.map((x) => x.id));
  const added = after.filter((x) => !old.has(x.id)).length;
  const removed = before.filter((x) => !ids.has(x.id)).length;
  const changed = after.filter((x) => {
    const o = old.get(x.id);
    return o !== undefined && !same(o, x);
  }).length;
  const moved =
    added === 0 &&
    removed === 0 &&
    changed === 0 &&
    !sameList(
      before.map((x) => x.id),
      after.map((x) => x.id),
    );
  return [
    ...(added > 0 ? [`${added} added`] : []),
    ...(changed > 0 ? [`${changed} changed`] : []),
    ...(removed > 0 ? [`${removed} removed`] : []),
    ...(moved ? ['reordered'] : []),
  ];
}

const sameGoal = (a: Goal, b: Goal): boolean =>
  a.description === b.description && a.metric === b.metric && a.target === b.target && a.byDate === b.byDate;
const sameRisk = (a: Risk, b: Risk): boolean =>
  a.description === b.description &&
  a.mitigation === b.mitigation &&
  a.ownerSide === b.ownerSide &&
  a.status === b.status;

export function setGoals(plan: Plan, rawInput: unknown, ctx: EditContext): EditResult {
  const parsed = parseInput(setGoalsInputSchema, rawInput);
  if (!parsed.ok) return parsed;
  const goals: Goal[] = parsed.value.goals.map((g) => ({
    id: g.id ?? ctx.newId(),
    description: g.description,
    metric: g.metric,
    target: g.target,
    byDate: g.byDate,
  }));
  const changes = listChanges(plan.goals, goals, sameGoal);
  if (changes.length === 0) return ok({ plan, activity: [] });
  return finishEdit(plan, { ...plan, goals }, [
    activityEntry(ctx, 'goals_edited', `Edited the goals: ${listNames(changes)}.`),
  ]);
}

export function setRisks(plan: Plan, rawInput: unknown, ctx: EditContext): EditResult {
  const parsed = parseInput(setRisksInputSchema, rawInput);
  if (!parsed.ok) return parsed;
  const risks: Risk[] = parsed.value.risks.map((r) => ({
    id: r.id ?? ctx.newId(),
    description: r.description,
    mitigation: r.mitigation,
    ownerSide: r.ownerSide,
    status: r.status,
  }));
  const changes = listChanges(plan.risks, risks, sameRisk);
  if (changes.length === 0) return ok({ plan, activity: [] });
  return finishEdit(plan, { ...plan, risks }, [
    activityEntry(ctx, 'risks_edited', `Edited the risks: ${listNames(changes)}.`),
  ]);
}

export function setTargetCloseDate(plan: Plan, rawInput: unknown, ctx: EditContext): EditResult {
  const parsed = parseInput(setTargetCloseDateInputSchema, rawInput);
  if (!parsed.ok) return parsed;
  const { targetCloseDate } = parsed.value;
  if (targetCloseDate === plan.targetCloseDate) return ok({ plan, activity: [] });
  const text =
    targetCloseDate === null
      ? `Cleared the target close date (was ${plan.targetCloseDate ?? ''}).`
      : plan.targetCloseDate === null
        ? `Set the target close date to ${targetCloseDate}.`
        : `Changed the target close date from ${plan.targetCloseDate} to ${targetCloseDate}.`;
  return finishEdit(plan, { ...plan, targetCloseDate }, [
    activityEntry(ctx, 'target_close_date_changed', text),
  ]);
}

export function setPlanTitle(plan: Plan, rawInput: unknown, ctx: EditContext): EditResult {
  const parsed = parseInput(setPlanTitleInputSchema, rawInput);
  if (!parsed.ok) return parsed;
  const { title } = parsed.value;
  if (title === plan.title) return ok({ plan, activity: [] });
  const text = title === '' ? 'Cleared the plan title.' : `Renamed the plan to ${quote(title)}.`;
  return finishEdit(plan, { ...plan, title }, [activityEntry(ctx, 'plan_title_changed', text)]);
}

/** Every edit by name, for a generic "apply edit" function and for property tests. */
export const EDITS = {
  addMilestone,
  updateMilestone,
  removeMilestone,
  reorderMilestones,
  setMilestoneStatus,
  moveDueDate,
  addStakeholder,
  updateStakeholder,
  removeStakeholder,
  setValueSummary,
  setGoals,
  setRisks,
  setTargetCloseDate,
  setPlanTitle,
} as const satisfies Record<string, PlanEdit>;
export type EditName = keyof typeof EDITS;
